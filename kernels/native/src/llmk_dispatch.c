/* Load-time CPU detection, per-ISA tables and the driver entry points declared in llmk.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "llmk_internal.h"

static llmk_table g_tables[3];
float llmk_f16_table[65536];
static int g_cpu_features;
static int g_cpu_isa;
static int g_default_isa;

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#include <unistd.h>
#include <sys/syscall.h>
#define LLMK_ARCH_REQ_XCOMP_PERM 0x1023
#define LLMK_XFEATURE_XTILEDATA 18

/* AMX-TILE and AMX-INT8 in CPUID leaf 7 (EDX bits 24, 25), then the tile data state asked of Linux for the whole
 * process (arch_prctl ARCH_REQ_XCOMP_PERM, Linux 5.16+): without that grant the first tile instruction faults. */
static int detect_amx(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!(d & (1u << 24)) || !(d & (1u << 25))) return 0;
    const char *env = getenv("QUANTA_KERNELS_AMX");
    if (env && (!strcasecmp(env, "off") || !strcmp(env, "0"))) return 0;
    return syscall(SYS_arch_prctl, LLMK_ARCH_REQ_XCOMP_PERM, LLMK_XFEATURE_XTILEDATA) == 0;
}
#endif

static int detect_features(void) {
    int f = 0;
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        f |= LLMK_CPU_AVX2;
    if ((f & LLMK_CPU_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        f |= LLMK_CPU_AVX512;
    if ((f & LLMK_CPU_AVX512) && __builtin_cpu_supports("avx512vnni")) f |= LLMK_CPU_AVX512VNNI;
    if ((f & LLMK_CPU_AVX512VNNI) && detect_amx()) f |= LLMK_CPU_AMX_INT8;
#endif
    return f;
}

__attribute__((constructor)) static void llmk_init(void) {
    for (uint32_t h = 0; h < 65536; h++) llmk_f16_table[h] = llmk_h2f((uint16_t)h);
    g_cpu_features = detect_features();
    g_cpu_isa = (g_cpu_features & LLMK_CPU_AVX512) ? LLMK_ISA_AVX512
              : (g_cpu_features & LLMK_CPU_AVX2)   ? LLMK_ISA_AVX2
                                                   : LLMK_ISA_SCALAR;
    llmk_fill_ref(&g_tables[0]);
    g_tables[1] = g_tables[0];
    g_tables[2] = g_tables[0];
#if defined(__x86_64__) || defined(_M_X64)
    if (g_cpu_isa >= LLMK_ISA_AVX2) {
        llmk_fill_avx2(&g_tables[1]);
        g_tables[2] = g_tables[1];
    }
    if (g_cpu_isa >= LLMK_ISA_AVX512) llmk_fill_avx512(&g_tables[2]);
#endif
    int cap = LLMK_ISA_AVX512;
    const char *env = getenv("QUANTA_KERNELS_ISA");
    if (env && *env) {
        if (!strcasecmp(env, "scalar")) cap = LLMK_ISA_SCALAR;
        else if (!strcasecmp(env, "avx2")) cap = LLMK_ISA_AVX2;
        else if (!strcasecmp(env, "avx512")) cap = LLMK_ISA_AVX512;
    }
    g_default_isa = g_cpu_isa < cap ? g_cpu_isa : cap;
}

static const llmk_table *table(int isa) {
    if (isa > g_cpu_isa) isa = g_cpu_isa;
    if (isa < 0) isa = 0;
    return &g_tables[isa];
}

int llmk_version(void) { return LLMK_VERSION; }
int llmk_cpu_features(void) { return g_cpu_features; }
int llmk_cpu_isa(void) { return g_cpu_isa; }
int llmk_default_isa(void) { return g_default_isa; }

static int block_size(int type) {
    switch (type) {
    case LLMK_TYPE_F32: case LLMK_TYPE_F16: case LLMK_TYPE_BF16: return 1;
    case LLMK_TYPE_Q4_0: case LLMK_TYPE_Q4_1: case LLMK_TYPE_Q5_0: case LLMK_TYPE_Q5_1:
    case LLMK_TYPE_Q8_0: case LLMK_TYPE_Q8_1: case LLMK_TYPE_IQ4_NL: return 32;
    case LLMK_TYPE_Q2_K: case LLMK_TYPE_Q3_K: case LLMK_TYPE_Q4_K: case LLMK_TYPE_Q5_K:
    case LLMK_TYPE_Q6_K: case LLMK_TYPE_Q8_K: return 256;
    default: return 0;
    }
}

static int type_size(int type) {
    switch (type) {
    case LLMK_TYPE_F32: return 4;
    case LLMK_TYPE_F16: case LLMK_TYPE_BF16: return 2;
    case LLMK_TYPE_Q4_0: return sizeof(block_q4_0);
    case LLMK_TYPE_Q4_1: return sizeof(block_q4_1);
    case LLMK_TYPE_Q5_0: return sizeof(block_q5_0);
    case LLMK_TYPE_Q5_1: return sizeof(block_q5_1);
    case LLMK_TYPE_Q8_0: return sizeof(block_q8_0);
    case LLMK_TYPE_Q8_1: return sizeof(block_q8_1);
    case LLMK_TYPE_Q2_K: return sizeof(block_q2_K);
    case LLMK_TYPE_Q3_K: return sizeof(block_q3_K);
    case LLMK_TYPE_Q4_K: return sizeof(block_q4_K);
    case LLMK_TYPE_Q5_K: return sizeof(block_q5_K);
    case LLMK_TYPE_Q6_K: return sizeof(block_q6_K);
    case LLMK_TYPE_Q8_K: return sizeof(block_q8_K);
    case LLMK_TYPE_IQ4_NL: return sizeof(block_iq4_nl);
    default: return 0;
    }
}

int64_t llmk_row_bytes(int type, int64_t n) {
    int bs = block_size(type);
    if (bs == 0 || n < 0 || n % bs != 0) return -1;
    return n / bs * type_size(type);
}

/* The packed types (llmk.h): the file type each re-lays, its kernel family and that kernel's variant (X16_Q4: the
 * LLMK_X16_* kind; Q5_K, Q3_K: 1), the column block it needs whole, and the bytes of 16 rows x one such block. */
enum { X16_Q4, X16_Q45K, X16_Q23K };
typedef struct {
    int packed, wtype, family, variant, qk;
    int64_t tile_bytes;
} packed_info;
static const packed_info PACKED[] = {
    {LLMK_PACKED_Q4_0_X16, LLMK_TYPE_Q4_0, X16_Q4, LLMK_X16_Q4_0, QK4_0, LLMK_PACK_ROWS * sizeof(block_q4_0)},
    {LLMK_PACKED_IQ4_NL_X16, LLMK_TYPE_IQ4_NL, X16_Q4, LLMK_X16_IQ4_NL, QK4_0, LLMK_PACK_ROWS * sizeof(block_q4_0)},
    {LLMK_PACKED_Q5_0_X16, LLMK_TYPE_Q5_0, X16_Q4, LLMK_X16_Q5_0, QK4_0, LLMK_Q5_0_X16_BLOCK_BYTES},
    {LLMK_PACKED_Q8_0_X16, LLMK_TYPE_Q8_0, X16_Q4, LLMK_X16_Q8_0, QK8_0, LLMK_Q8_0_X16_BLOCK_BYTES},
    {LLMK_PACKED_Q4_K_X16, LLMK_TYPE_Q4_K, X16_Q45K, 0, QK_K, LLMK_Q4_K_X16_BLOCK_BYTES},
    {LLMK_PACKED_Q5_K_X16, LLMK_TYPE_Q5_K, X16_Q45K, 1, QK_K, LLMK_Q5_K_X16_BLOCK_BYTES},
    {LLMK_PACKED_Q2_K_X16, LLMK_TYPE_Q2_K, X16_Q23K, 0, QK_K, LLMK_Q2_K_X16_BLOCK_BYTES},
    {LLMK_PACKED_Q3_K_X16, LLMK_TYPE_Q3_K, X16_Q23K, 1, QK_K, LLMK_Q3_K_X16_BLOCK_BYTES},
};

static const packed_info *packed_info_of(int packed) {
    for (size_t i = 0; i < sizeof(PACKED) / sizeof(PACKED[0]); i++)
        if (PACKED[i].packed == packed) return &PACKED[i];
    return NULL;
}

typedef int (*llmk_x16_fn)(int variant, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1);

/* This ISA's kernel of a family, NULL when it has none. */
static llmk_x16_fn x16_kernel(const llmk_table *k, int family) {
    switch (family) {
    case X16_Q45K: return k->matmul_q45k_x16;
    case X16_Q23K: return k->matmul_q23k_x16;
    default: return k->matmul_q4_x16;
    }
}

int llmk_activation_type(int wtype) {
    const packed_info *p = packed_info_of(wtype);
    if (p) wtype = p->wtype; /* a packed matrix takes its file type's activations */
    switch (wtype) {
    case LLMK_TYPE_F32: case LLMK_TYPE_F16: case LLMK_TYPE_BF16: return LLMK_TYPE_F32;
    case LLMK_TYPE_Q4_0: case LLMK_TYPE_Q5_0: case LLMK_TYPE_Q8_0: case LLMK_TYPE_IQ4_NL: return LLMK_TYPE_Q8_0;
    case LLMK_TYPE_Q4_1: case LLMK_TYPE_Q5_1: return LLMK_TYPE_Q8_1;
    case LLMK_TYPE_Q2_K: case LLMK_TYPE_Q3_K: case LLMK_TYPE_Q4_K: case LLMK_TYPE_Q5_K:
    case LLMK_TYPE_Q6_K: return LLMK_TYPE_Q8_K;
    default: return -1;
    }
}

int llmk_quantize_rows(int isa, int act_type, const float *x, void *y, int64_t n, int64_t nrows) {
    int64_t rb = llmk_row_bytes(act_type, n);
    if (rb < 0) return -1;
    if (act_type == LLMK_TYPE_F32) {
        memmove(y, x, (size_t)(n * nrows * 4));
        return 0;
    }
    if (act_type >= LLMK_TYPE_COUNT) return -1;
    llmk_quantize_fn q = table(isa)->quantize[act_type];
    if (!q) return -1;
    for (int64_t r = 0; r < nrows; r++) q(x + r * n, (char *)y + r * rb, n);
    return 0;
}

int llmk_vec_dot(int isa, int wtype, int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    if (wtype < 0 || wtype >= LLMK_TYPE_COUNT || nt < 1 || nt > LLMK_MAX_TILE) return -1;
    llmk_vec_dot_fn f = table(isa)->dot[wtype];
    if (!f || llmk_row_bytes(wtype, n) < 0) return -1;
    f(n, w, x, bx, nt, s);
    return 0;
}

int llmk_packed_type(int isa, int wtype, int64_t rows, int64_t cols) {
    if (rows <= 0 || rows % LLMK_PACK_ROWS != 0 || cols <= 0) return -1;
    for (size_t i = 0; i < sizeof(PACKED) / sizeof(PACKED[0]); i++) {
        const packed_info *p = &PACKED[i];
        if (p->wtype == wtype) return x16_kernel(table(isa), p->family) && cols % p->qk == 0 ? p->packed : -1;
    }
    return -1;
}

int64_t llmk_packed_bytes(int packed_type, int64_t rows, int64_t cols) {
    const packed_info *p = packed_info_of(packed_type);
    if (!p || rows <= 0 || rows % LLMK_PACK_ROWS != 0 || cols <= 0 || cols % p->qk != 0) return -1;
    return rows / LLMK_PACK_ROWS * (cols / p->qk) * p->tile_bytes;
}

int llmk_pack(int isa, int wtype, const void *w, int64_t rows, int64_t cols, void *dst) {
    int packed = llmk_packed_type(isa, wtype, rows, cols);
    if (packed < 0) return -1;
#if defined(__x86_64__) || defined(_M_X64)
    const packed_info *p = packed_info_of(packed);
    switch (p->family) {
    case X16_Q45K: return llmk_pack_q45k_x16(p->variant, w, rows, cols, dst);
    case X16_Q23K: return llmk_pack_q23k_x16(p->variant, w, rows, cols, dst);
    default:
        if (p->variant == LLMK_X16_Q8_0) return llmk_pack_q8_0_x16(w, rows, cols, dst);
        if (p->variant == LLMK_X16_Q5_0) return llmk_pack_q5_0_x16(w, rows, cols, dst);
        return llmk_pack_q4_0_x16(w, rows, cols, dst); /* IQ4_NL blocks have Q4_0's shape: the same re-laying */
    }
#else
    return -1;
#endif
}

/* The row-by-row loop's blocking (llmk_matmul): a group of rows and a block of activation rows, both L2-resident. */
#define GENERIC_ROW_BYTES (256 * 1024)
#define GENERIC_TOKEN_BYTES (256 * 1024)

int llmk_matmul(int isa, int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                int64_t r0, int64_t r1) {
    const packed_info *p = packed_info_of(wtype);
    if (p) {
        llmk_x16_fn f = x16_kernel(table(isa), p->family);
        if (!f || rows % LLMK_PACK_ROWS || r0 % LLMK_PACK_ROWS || r1 % LLMK_PACK_ROWS || cols % p->qk) return -1;
        return f(p->variant, w, rows, cols, xa, ntok, out, r0, r1);
    }
    if (wtype < 0 || wtype >= LLMK_TYPE_COUNT) return -1;
    const llmk_table *k = table(isa);
    llmk_vec_dot_fn f = k->dot[wtype];
    int64_t wrow = llmk_row_bytes(wtype, cols);
    int64_t arow = llmk_row_bytes(llmk_activation_type(wtype), cols);
    if (!f || wrow < 0 || arow < 0) return -1;
    if (k->matmul[wtype]) {
        int rc = k->matmul[wtype](wtype, w, rows, cols, xa, ntok, out, r0, r1);
        if (rc != LLMK_MATMUL_DECLINED) return rc;
    }
    /* Blocked so that both operands come from L2: rows in groups of about GENERIC_ROW_BYTES, and within a group
     * tokens in blocks of about GENERIC_TOKEN_BYTES, each row passing over the block in tiles of LLMK_MAX_TILE
     * (a 512-token prompt's Q8_K rows are 4.8 MB at 8192 columns: unblocked, every row streamed all of them). Each
     * (row, token) still gets its own dot, so the blocking changes no result. */
    int64_t rgroup = GENERIC_ROW_BYTES / wrow;
    if (rgroup < 1) rgroup = 1;
    int tblock = (int)(GENERIC_TOKEN_BYTES / arow) & ~(LLMK_MAX_TILE - 1);
    if (tblock < LLMK_MAX_TILE) tblock = LLMK_MAX_TILE;
    float s[LLMK_MAX_TILE];
    for (int64_t rg = r0; rg < r1; rg += rgroup) {
        int64_t re = r1 - rg < rgroup ? r1 : rg + rgroup;
        for (int tb = 0; tb < ntok; tb += tblock) {
            int te = ntok - tb < tblock ? ntok : tb + tblock;
            for (int64_t r = rg; r < re; r++) {
                const char *wr = (const char *)w + r * wrow;
                for (int t0 = tb; t0 < te; t0 += LLMK_MAX_TILE) {
                    int nt = te - t0 < LLMK_MAX_TILE ? te - t0 : LLMK_MAX_TILE;
                    f(cols, wr, (const char *)xa + (int64_t)t0 * arow, (size_t)arow, nt, s);
                    for (int t = 0; t < nt; t++) out[(int64_t)(t0 + t) * rows + r] = s[t];
                }
            }
        }
    }
    return 0;
}

void llmk_rms_norm(int isa, float *out, const float *x, const float *w, int dim, int ntok, float eps) {
    const llmk_table *k = table(isa);
    for (int t = 0; t < ntok; t++) k->rms_norm(out + (int64_t)t * dim, x + (int64_t)t * dim, w, dim, eps);
}

void llmk_rope(int isa, float *x, const float *cos_sin, int ntok, int nheads, int head_dim, int rope_dim, int neox) {
    if (rope_dim > head_dim || rope_dim % 2) return;
    table(isa)->rope(x, cos_sin, ntok, nheads, head_dim, rope_dim, neox);
}

void llmk_swiglu(int isa, float *gate, const float *up, int64_t rows, int64_t n) {
    const llmk_table *k = table(isa);
    for (int64_t r = 0; r < rows; r++) k->swiglu(gate + r * n, up + r * n, n);
}

void llmk_expf(int isa, const float *x, float *y, int64_t n) {
    if (isa > g_cpu_isa) isa = g_cpu_isa;
#if defined(__x86_64__) || defined(_M_X64)
    if (isa >= LLMK_ISA_AVX512) {
        llmk_expf_avx512(x, y, n);
        return;
    }
    if (isa >= LLMK_ISA_AVX2) {
        llmk_expf_avx2(x, y, n);
        return;
    }
#endif
    for (int64_t i = 0; i < n; i++) y[i] = expf(x[i]);
}

uint64_t llmk_sum_words(int isa, const uint64_t *p, int64_t n) {
    if (n <= 0) return 0;
    if (isa > g_cpu_isa) isa = g_cpu_isa;
#if defined(__x86_64__) || defined(_M_X64)
    if (isa >= LLMK_ISA_AVX512) return llmk_sum_words_avx512(p, n);
    if (isa >= LLMK_ISA_AVX2) return llmk_sum_words_avx2(p, n);
#endif
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += p[i];
        s1 += p[i + 1];
        s2 += p[i + 2];
        s3 += p[i + 3];
    }
    for (; i < n; i++) s0 += p[i];
    return s0 + s1 + s2 + s3;
}

void llmk_add(int isa, float *x, const float *y, int64_t n) {
    (void)isa; /* one rounding per element: every ISA gives the same bits; the compiler vectorizes it */
    for (int64_t i = 0; i < n; i++) x[i] += y[i];
}

int llmk_attention(int isa, float *out, const float *q, int nq, int nheads, int nkv, int head_dim, const void *k,
                   const void *v, int kv_type, int block_size, const int32_t *block_tables, int max_blocks,
                   const int32_t *seq_index, const int32_t *seq_lens, float scale, int64_t item0, int64_t item1) {
    if ((kv_type != LLMK_TYPE_F16 && kv_type != LLMK_TYPE_F32) || head_dim > 1024 || nkv <= 0 ||
        nheads % nkv != 0)
        return -1;
    const llmk_table *kt = table(isa);
    size_t es = kv_type == LLMK_TYPE_F16 ? 2 : 4;
    size_t slot_bytes = (size_t)nkv * head_dim * es;
    int group = nheads / nkv;
    if (item1 > (int64_t)nq * nkv) item1 = (int64_t)nq * nkv;
    for (int64_t it = item0; it < item1; it++) {
        int t = (int)(it / nkv), g = (int)(it % nkv);
        int64_t qo = ((int64_t)t * nheads + (int64_t)g * group) * head_dim;
        kt->attention_item(out + qo, q + qo, group, head_dim, k, v, kv_type, slot_bytes, (size_t)g * head_dim * es,
                           block_size, block_tables + (int64_t)seq_index[t] * max_blocks, seq_lens[t], scale);
    }
    return 0;
}

/* ---------------- per-thread scratch ----------------
 * Kernels that re-lay weights or activations per call keep their buffers per thread, grown on demand and freed when
 * the thread exits (the Java pool's threads live as long as their KernelOps), so a call never allocates once warm. */

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    void *p[LLMK_SCRATCH_SLOTS];
    size_t bytes[LLMK_SCRATCH_SLOTS];
} scratch_set;

static pthread_key_t g_scratch_key;
static pthread_once_t g_scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *v) {
    scratch_set *s = v;
    for (int i = 0; i < LLMK_SCRATCH_SLOTS; i++) free(s->p[i]);
    free(s);
}

static void scratch_init(void) { pthread_key_create(&g_scratch_key, scratch_free); }

void *llmk_scratch(int slot, size_t bytes) {
    pthread_once(&g_scratch_once, scratch_init);
    scratch_set *s = pthread_getspecific(g_scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || pthread_setspecific(g_scratch_key, s) != 0) {
            free(s);
            return NULL;
        }
    }
    if (s->bytes[slot] < bytes) {
        free(s->p[slot]);
        s->p[slot] = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
        s->bytes[slot] = s->p[slot] ? bytes : 0;
    }
    return s->p[slot];
}
