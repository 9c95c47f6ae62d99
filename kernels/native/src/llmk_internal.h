/* Internal: ggml block layouts (ggml-common.h), scalar f16/bf16 conversions, per-ISA kernel tables. */
#ifndef LLMK_INTERNAL_H
#define LLMK_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "llmk.h"

#define QK4_0 32
#define QK8_0 32
#define QK_K 256

typedef struct { uint16_t d; uint8_t qs[16]; } block_q4_0;                                /* 32 el */
typedef struct { uint16_t d, m; uint8_t qs[16]; } block_q4_1;                             /* 32 el */
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } block_q5_0;                 /* 32 el */
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[16]; } block_q5_1;              /* 32 el */
typedef struct { uint16_t d; int8_t qs[32]; } block_q8_0;                                 /* 32 el */
typedef struct { uint16_t d, s; int8_t qs[32]; } block_q8_1;                              /* s = d * sum(qs) */
typedef struct { uint8_t scales[16]; uint8_t qs[64]; uint16_t d, dmin; } block_q2_K;      /* 256 el */
typedef struct { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; uint16_t d; } block_q3_K;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } block_q4_K;
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } block_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } block_q6_K;
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } block_q8_K;               /* bsums: per 16 qs */
typedef struct { uint16_t d; uint8_t qs[16]; } block_iq4_nl;                            /* 32 el */

/* IQ4_NL's 16 levels (ggml's kvalues_iq4nl): element = d * level[index]. */
static const int8_t llmk_kvalues_iq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

_Static_assert(sizeof(block_q4_0) == 18, "q4_0");
_Static_assert(sizeof(block_q4_1) == 20, "q4_1");
_Static_assert(sizeof(block_q5_0) == 22, "q5_0");
_Static_assert(sizeof(block_q5_1) == 24, "q5_1");
_Static_assert(sizeof(block_q8_0) == 34, "q8_0");
_Static_assert(sizeof(block_q8_1) == 36, "q8_1");
_Static_assert(sizeof(block_q2_K) == 84, "q2_K");
_Static_assert(sizeof(block_q3_K) == 110, "q3_K");
_Static_assert(sizeof(block_q4_K) == 144, "q4_K");
_Static_assert(sizeof(block_q5_K) == 176, "q5_K");
_Static_assert(sizeof(block_q6_K) == 210, "q6_K");
_Static_assert(sizeof(block_q8_K) == 292, "q8_K");
_Static_assert(sizeof(block_iq4_nl) == 18, "iq4_nl");

static inline uint32_t llmk_f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float llmk_u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* IEEE half -> float, exact. */
static inline float llmk_h2f(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0) {
        float f = (float)mant * 5.9604644775390625e-8f; /* mant * 2^-24, exact */
        return sign ? -f : f;
    }
    if (exp == 31) return llmk_u2f(sign | 0x7f800000u | (mant << 13));
    return llmk_u2f(sign | ((exp + 112u) << 23) | (mant << 13));
}

/* float -> IEEE half, round to nearest even (the FP16 library's branch-free method, as ggml's generic path). */
static inline uint16_t llmk_f2h(float f) {
    float base = (fabsf(f) * 0x1.0p+112f) * 0x1.0p-110f;
    uint32_t w = llmk_f2u(f);
    uint32_t shl1_w = w + w;
    uint32_t sign = w & 0x80000000u;
    uint32_t bias = shl1_w & 0xff000000u;
    if (bias < 0x71000000u) bias = 0x71000000u;
    base = llmk_u2f((bias >> 1) + 0x07800000u) + base;
    uint32_t bits = llmk_f2u(base);
    uint32_t exp_bits = (bits >> 13) & 0x00007c00u;
    uint32_t mantissa_bits = bits & 0x00000fffu;
    uint32_t nonsign = exp_bits + mantissa_bits;
    return (uint16_t)((sign >> 16) | (shl1_w > 0xff000000u ? 0x7e00u : nonsign));
}

static inline float llmk_bf2f(uint16_t b) { return llmk_u2f((uint32_t)b << 16); }

/* Round to nearest, ties to even, for |f| < 2^22 (ggml's nearest_int). */
static inline int llmk_nearest_int(float f) {
    float v = f + 12582912.f;
    int32_t i;
    memcpy(&i, &v, 4);
    return (i & 0x007fffff) - 0x00400000;
}

/* Q4_K / Q5_K: sub-block j's 6-bit scale and 6-bit min from the 12 packed bytes q (ggml's get_scale_min_k4). */
static inline void llmk_k4_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/* Q3_K: the 16 six-bit scales (stored + 32, so 0..63) from the 12 packed bytes q (ggml's kmask unpacking). */
static inline void llmk_q3_k_scales(const uint8_t *q, uint8_t *out) {
    uint32_t aux[4];
    memcpy(aux, q, 12);
    uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & 0x0f0f0f0f) | (((tmp >> 4) & 0x03030303) << 4);
    aux[3] = ((aux[1] >> 4) & 0x0f0f0f0f) | (((tmp >> 6) & 0x03030303) << 4);
    aux[0] = (aux[0] & 0x0f0f0f0f) | ((tmp & 0x03030303) << 4);
    aux[1] = (aux[1] & 0x0f0f0f0f) | (((tmp >> 2) & 0x03030303) << 4);
    memcpy(out, aux, 16);
}

/* f16 -> f32 for all 65536 bit patterns, filled at load: a table load is cheaper than converting one scale at a
 * time in the SIMD loops, and the scales of a tensor fall into few cache lines. */
#define LLMK_HIDDEN __attribute__((visibility("hidden")))
LLMK_HIDDEN extern float llmk_f16_table[65536];

/* Per-thread scratch (llmk_dispatch.c): slot's buffer of at least `bytes` (64-byte aligned), grown on demand, freed
 * at thread exit; NULL when out of memory. */
#define LLMK_SCRATCH_SLOTS 7
#define LLMK_SCRATCH_PAIRS 0    /* llmk_avx512_matmul.c: activation pair blocks */
#define LLMK_SCRATCH_Q4_TILE 1  /* llmk_avx512_q4.c, llmk_avx2_q4_x16.c: a re-laid 16-row tile (or Q8_0's split activations) */
#define LLMK_SCRATCH_Q4_ACT 2   /* llmk_avx512_q4.c: per-token block scales and sums */
#define LLMK_SCRATCH_AMX_B 3    /* llmk_amx_q4_x16.c: one weight tile unpacked to signed bytes */
#define LLMK_SCRATCH_AMX_DY 4   /* llmk_amx_q4_x16.c: a token block's dy, 16 tokens per block */
#define LLMK_SCRATCH_VIA_Q8 5   /* llmk_avx512_matmul.c: Q5_0 / Q4_1 / Q5_1 rows (and Q8_1 activations) as Q8_0 */
#define LLMK_SCRATCH_K_ACT 6    /* llmk_avx512_q45k_x16.c, llmk_avx512_q23k_x16.c: per-token sub-block sums */
LLMK_HIDDEN void *llmk_scratch(int slot, size_t bytes);

/* The AVX-512 table's attention (llmk_avx2_misc.c: llama.cpp's AVX-512 summation shape, written with AVX2). */
#if defined(__x86_64__) || defined(_M_X64)
/* The C library's expf of x[0 .. n), 16 lanes at a time with its bits (llmk_avx512_libm_expf.h). */
LLMK_HIDDEN void llmk_expf_avx512(const float *x, float *y, int64_t n);
LLMK_HIDDEN void llmk_expf_avx2(const float *x, float *y, int64_t n); /* llmk_avx2_misc.c */
/* AVX-512 attention for head sizes 64 and 128, in registers (llmk_avx512_attention.c); others: the _shape one. */
LLMK_HIDDEN void llmk_attention_item_avx512(float *out, const float *q, int group, int head_dim, const void *k,
                                            const void *v, int kv_type, size_t slot_bytes, size_t head_off,
                                            int block_size, const int32_t *block_table, int seq_len, float scale);
LLMK_HIDDEN void llmk_attention_item_avx512_shape(float *out, const float *q, int group, int head_dim, const void *k,
                                                  const void *v, int kv_type, size_t slot_bytes, size_t head_off,
                                                  int block_size, const int32_t *block_table, int seq_len, float scale);
#endif

/* A table matmul's answer for a call it leaves to the row-by-row vec_dot loop (e.g. too few tokens to pay back a
 * conversion of the weights). */
#define LLMK_MATMUL_DECLINED 1

/* One ISA's kernels. Entries left 0 by a SIMD level are filled from the scalar table. */
typedef struct {
    llmk_vec_dot_fn dot[LLMK_TYPE_COUNT];      /* by weight type */
    llmk_quantize_fn quantize[LLMK_TYPE_COUNT]; /* by activation type */
    /* optional whole-matmul fast paths by weight type (same contract as llmk_matmul; LLMK_MATMUL_DECLINED: this call
     * goes to llmk_matmul's row-by-row vec_dot loop instead); 0 = always that loop */
    int (*matmul[LLMK_TYPE_COUNT])(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                   float *out, int64_t r0, int64_t r1); /* 0, or -2 when out of memory */
    /* Q4_0 or IQ4_NL packed by llmk_pack_q4_0_x16, Q5_0 by llmk_pack_q5_0_x16, Q8_0 by llmk_pack_q8_0_x16 (kind
     * LLMK_X16_*; same contract as llmk_matmul, rows % 16 == 0; the repacked order acc = fma(isum, dx * dy, acc) per
     * row and block, llama.cpp's iq4_nl_8x8 for IQ4_NL); 0 = no packed form */
    int (*matmul_q4_x16)(int kind, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                         int64_t r0, int64_t r1);
    /* Q4_K, or (five) Q5_K, packed by llmk_pack_q45k_x16 (same contract as llmk_matmul, rows % 16 == 0); 0 = none */
    int (*matmul_q45k_x16)(int five, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                           int64_t r0, int64_t r1);
    /* Q2_K, or (three) Q3_K, packed by llmk_pack_q23k_x16 (same contract as llmk_matmul, rows % 16 == 0); 0 = none */
    int (*matmul_q23k_x16)(int three, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                           int64_t r0, int64_t r1);
    /* one token (ggml's arithmetic, see llmk.h); w may be NULL */
    void (*rms_norm)(float *out, const float *x, const float *w, int dim, float eps);
    /* one row of n: ggml_vec_swiglu_f32 of this ISA */
    void (*swiglu)(float *gate, const float *up, int64_t n);
    void (*rope)(float *x, const float *cos_sin, int ntok, int nheads, int head_dim, int rope_dim, int neox);
    /* one query's `group` heads (contiguous in q/out) against their shared KV head */
    void (*attention_item)(float *out, const float *q, int group, int head_dim, const void *k, const void *v, int kv_type,
                           size_t slot_bytes, size_t head_off, int block_size, const int32_t *block_table,
                           int seq_len, float scale);
} llmk_table;

LLMK_HIDDEN void llmk_fill_ref(llmk_table *t);
/* (x86-64, llmk_pack_x16.c) Per token and Q8_0 block of xa: act[2 (t nb + b)] = dy, act[2 (t nb + b) + 1] =
 * -bias * sum(y) as int32 bits: the Q4_0 x16 kernels' per-call activation data (bias: the offset their unsigned
 * weights enter vpdpbusd / vpmaddubsw with, LLMK_X16_BIAS of the kind). */
LLMK_HIDDEN void llmk_q4_prepare_act(const char *xa, size_t arow, int ntok, int64_t nb, int bias, float *act);
/* The kinds of block the Q4_0 x16 kernels take (their variant argument), and the bias each enters vpdpbusd with. */
#define LLMK_X16_Q4_0 0
#define LLMK_X16_IQ4_NL 1
#define LLMK_X16_Q5_0 2 /* the nibbles as Q4_0's, the fifth bits as 8 byte masks per block */
#define LLMK_X16_Q8_0 3 /* the bytes + 128, 8 vectors per block */
#define LLMK_X16_BIAS(kind) ((kind) == LLMK_X16_IQ4_NL || (kind) == LLMK_X16_Q8_0 ? 128 : (kind) == LLMK_X16_Q5_0 ? 16 : 8)
/* Bytes of one packed Q5_0 block of 16 rows (llmk_avx512_q4_x16.c's layout): the file's 16 x 22. */
#define LLMK_Q5_0_X16_BLOCK_BYTES 352
/* Each kind's tile geometry (llmk_avx512_q4_x16.c's layouts): bytes of one block of 16 rows (a tile is nb of them),
 * and where the tile's f16 scales start, per block of nb (Q4_0 / IQ4_NL: after the nibbles; Q5_0: after the nibbles
 * and the fifth bits; Q8_0: after the bytes). */
#define LLMK_X16_BLOCK_BYTES(kind)                                                                                     \
    ((kind) == LLMK_X16_Q8_0 ? LLMK_Q8_0_X16_BLOCK_BYTES : (kind) == LLMK_X16_Q5_0 ? LLMK_Q5_0_X16_BLOCK_BYTES : 288)
#define LLMK_X16_SCALES_AT(kind) ((kind) == LLMK_X16_Q8_0 ? 512 : (kind) == LLMK_X16_Q5_0 ? 320 : 256)
/* (x86-64) Writes the packed copy of a Q5_0 matrix (that layout; plain C); -1 when rows % 16 or cols % 32. */
LLMK_HIDDEN int llmk_pack_q5_0_x16(const void *w, int64_t rows, int64_t cols, void *dst);
/* (x86-64) Writes the packed copy of a Q4_0 matrix (llmk_avx512_q4_x16.c's layout; plain C); -1 when rows % 16 or cols % 32. */
LLMK_HIDDEN int llmk_pack_q4_0_x16(const void *w, int64_t rows, int64_t cols, void *dst);
/* Bytes of one packed Q8_0 block of 16 rows (llmk_avx512_q4_x16.c's layout): the file's 16 x 34. */
#define LLMK_Q8_0_X16_BLOCK_BYTES 544
/* (x86-64) Writes the packed copy of a Q8_0 matrix (that layout; plain C); -1 when rows % 16 or cols % 32. */
LLMK_HIDDEN int llmk_pack_q8_0_x16(const void *w, int64_t rows, int64_t cols, void *dst);
/* Bytes of one packed Q4_K / Q5_K super-block of 16 rows (llmk_avx512_q45k_x16.c's layout). */
#define LLMK_Q4_K_X16_BLOCK_BYTES 2368
#define LLMK_Q5_K_X16_BLOCK_BYTES 2880
/* (x86-64) Writes the packed copy of a Q4_K or (five) Q5_K matrix (that layout; plain C); -1 when rows % 16 or
 * cols % 256. */
LLMK_HIDDEN int llmk_pack_q45k_x16(int five, const void *w, int64_t rows, int64_t cols, void *dst);
/* Bytes of one packed Q2_K / Q3_K super-block of 16 rows (llmk_avx512_q23k_x16.c's layout). */
#define LLMK_Q2_K_X16_BLOCK_BYTES 1344
#define LLMK_Q3_K_X16_BLOCK_BYTES 1824
/* (x86-64) Writes the packed copy of a Q2_K or (three) Q3_K matrix (that layout; plain C); -1 when rows % 16 or
 * cols % 256. */
LLMK_HIDDEN int llmk_pack_q23k_x16(int three, const void *w, int64_t rows, int64_t cols, void *dst);
/* (llmk_pack_x16.c) Per token t and super-block b of xa (Q8_K rows of arow bytes): bs[4 (t nb + b) + p] = the pair
 * (bsum32[2p], bsum32[2p + 1]) as two i16 in one dword, bsum32[j] = bsums[2j] + bsums[2j + 1] = the sum of sub-block
 * j's 32 activation bytes (|.| <= 4096): the operand the Q4_K / Q5_K kernels multiply by a row's min pair. */
LLMK_HIDDEN void llmk_x16_prepare_bsums(const char *xa, size_t arow, int ntok, int64_t nb, int32_t *bs);
/* (llmk_pack_x16.c) Q3_K: off[16 (t nb + b) + j] = -4 bsums[j] of token t's super-block b, the start value of
 * sub-block j's sum T (i32, |.| <= 8192). */
LLMK_HIDDEN void llmk_x16_prepare_q3_offsets(const char *xa, size_t arow, int ntok, int64_t nb, int32_t *off);
#if defined(__x86_64__) || defined(_M_X64)
LLMK_HIDDEN void llmk_fill_avx2(llmk_table *t);
LLMK_HIDDEN void llmk_fill_avx512(llmk_table *t);
/* llmk_sum_words of each SIMD level (llmk_avx2_misc.c, llmk_avx512.c) */
LLMK_HIDDEN uint64_t llmk_sum_words_avx2(const uint64_t *p, int64_t n);
LLMK_HIDDEN uint64_t llmk_sum_words_avx512(const uint64_t *p, int64_t n);
/* Fewest tokens for which the packed Q4_0 matmul takes the AMX path (fewer: VNNI; same bits either way). */
#define LLMK_AMX_MIN_TOKENS 8
/* (AMX objects, used when llmk_cpu_features() has LLMK_CPU_AMX_INT8) llmk_matmul_q4_x16_avx512's contract for ntok
 * tokens, with act from llmk_q4_prepare_act; kind: LLMK_X16_Q4_0, _IQ4_NL, _Q5_0 or _Q8_0 (the packed blocks'). */
LLMK_HIDDEN int llmk_matmul_q4_x16_amx(int kind, const void *w, int64_t rows, int64_t cols, const void *xa,
                                       int ntok, float *out, int64_t r0, int64_t r1, const float *act);
/* Q4_1, Q5_0, Q5_1 and K-quant dots (llmk_quant_tiles.inc); the AVX-512 set needs VNNI. */
LLMK_HIDDEN void llmk_fill_quant_tiles_avx2(llmk_table *t);
LLMK_HIDDEN void llmk_fill_quant_tiles_avx512(llmk_table *t);
#endif

/* The loop of every packed 16-row kernel (llmk_avx512_q4_x16.c, _q45k_x16.c, _q23k_x16.c and their AVX2 twins) over
 * rows [r0, r1) (whole 16-row tiles) and ntok tokens of arow activation bytes each: tokens in blocks whose activations
 * stay in L2 (LLMK_X16_TOKEN_BLOCK_BYTES; a 512-token prompt's Q8_0 rows are 1 MiB at 2048 columns, 4 MiB at 8192),
 * and within a block every tile in turn, read once from memory and then from L1/L2 for each further group of G tokens
 * (G = 8 on AVX-512, 4 on AVX2: what the kernel's registers hold; 1 .. 8). For each group, GROUP_CALL(n, r, t): n
 * tokens (a compile-time constant 1 .. G, so the kernel keeps its accumulators in registers) from token t on, the
 * tile of rows r .. r + 15. The grouping changes no output's arithmetic. */
#define LLMK_X16_TOKEN_BLOCK_BYTES (192 * 1024)
#define LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, G, GROUP_CALL)                                                       \
    do {                                                                                                             \
        int blk_ = (int)(LLMK_X16_TOKEN_BLOCK_BYTES / (arow)) & ~7;                                                  \
        if (blk_ < 8) blk_ = 8;                                                                                      \
        for (int t0_ = 0; t0_ < (ntok); t0_ += blk_) {                                                               \
            int t1_ = (ntok) - t0_ < blk_ ? (ntok) : t0_ + blk_;                                                     \
            for (int64_t r_ = (r0); r_ < (r1); r_ += 16) {                                                           \
                for (int t_ = t0_; t_ < t1_; t_ += (G)) {                                                            \
                    switch (t1_ - t_) { /* cases past G are never taken; their constants are capped to compile */    \
                    case 1: GROUP_CALL(1, r_, t_); break;                                                            \
                    case 2: GROUP_CALL(2 < (G) ? 2 : (G), r_, t_); break;                                            \
                    case 3: GROUP_CALL(3 < (G) ? 3 : (G), r_, t_); break;                                            \
                    case 4: GROUP_CALL(4 < (G) ? 4 : (G), r_, t_); break;                                            \
                    case 5: GROUP_CALL(5 < (G) ? 5 : (G), r_, t_); break;                                            \
                    case 6: GROUP_CALL(6 < (G) ? 6 : (G), r_, t_); break;                                            \
                    case 7: GROUP_CALL(7 < (G) ? 7 : (G), r_, t_); break;                                            \
                    default: GROUP_CALL((G), r_, t_); break;                                                         \
                    }                                                                                                \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
    } while (0)

/* Dispatches a kernel body specialised on the compile-time tile size NT (1 .. LLMK_MAX_TILE); uses `nt`. */
#define TILE_SWITCH(fn, ...)                       \
    switch (nt) {                                  \
    case 1: fn(1, __VA_ARGS__); break;             \
    case 2: fn(2, __VA_ARGS__); break;             \
    case 3: fn(3, __VA_ARGS__); break;             \
    case 4: fn(4, __VA_ARGS__); break;             \
    case 5: fn(5, __VA_ARGS__); break;             \
    case 6: fn(6, __VA_ARGS__); break;             \
    case 7: fn(7, __VA_ARGS__); break;             \
    default: fn(8, __VA_ARGS__); break;            \
    }

/* Runs the body once per token t < nt with xt = token t's activation row (x + t * bx); scalar kernels. */
#define FOR_TOKENS(...)                                                      \
    for (int t = 0; t < nt; t++) {                                           \
        const void *xt = (const char *)x + (size_t)t * bx;                   \
        __VA_ARGS__                                                          \
    }

#endif
