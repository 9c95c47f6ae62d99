/* AVX-512 kernels (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq; the int8 dots additionally use
 * AVX512_VNNI through a target attribute and are installed only when CPUID reports VNNI). Kernels not defined
 * here are inherited from the AVX2 table. The kernel tests run them wherever the CPU has AVX-512 (the CI machine,
 * a Zen 5, does). */
#include <immintrin.h>

#include "llmk_internal.h"

#define LLMK_SFX(name) name##_avx512
#define LLMK_KV_H2F(h) _cvtsh_ss(h)

/* ggml_v_expf on AVX-512: the AVX2 reduction, then the polynomial keeps its 1 and scalef scales by 2^n, so the last
 * bit can differ from the AVX2 one. Lanes with |n| > 192 take the C library's exp in double, as the Java reference
 * does. */
static inline __m512 vexpf_avx512(__m512 x) {
    const __m512 r = _mm512_set1_ps(0x1.8p23f);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), r);
    const __m512 n = _mm512_sub_ps(z, r);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 p = _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(0x1.0e4020p-7f), b, _mm512_set1_ps(0x1.573e2ep-5f)), u,
                                     _mm512_fmadd_ps(_mm512_set1_ps(0x1.555e66p-3f), b, _mm512_set1_ps(0x1.fffdb6p-2f)));
    __m512 res = _mm512_scalef_ps(_mm512_fmadd_ps(p, u, _mm512_fmadd_ps(_mm512_set1_ps(0x1.ffffecp-1f), b,
                                                                        _mm512_set1_ps(1.0f))), n);
    __mmask16 big = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192.0f), _CMP_GT_OQ);
    if (big) {
        float xs[16], rs[16];
        _mm512_storeu_ps(xs, x);
        _mm512_storeu_ps(rs, res);
        for (int l = 0; l < 16; l++)
            if (big >> l & 1) rs[l] = (float)exp((double)xs[l]);
        res = _mm512_loadu_ps(rs);
    }
    return res;
}

/* The 16-wide steps of ggml_vec_swiglu_f32 on AVX-512: g / (1 + e^-g) * u. Returns how many elements it did. */
static int64_t swiglu_simd_avx512(float *g, const float *u, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 15 < n; i += 16) {
        __m512 gv = _mm512_loadu_ps(g + i);
        __m512 e = vexpf_avx512(_mm512_xor_ps(gv, _mm512_set1_ps(-0.0f)));
        _mm512_storeu_ps(g + i, _mm512_mul_ps(_mm512_div_ps(gv, _mm512_add_ps(one, e)), _mm512_loadu_ps(u + i)));
    }
    return i;
}
#define LLMK_SWIGLU_SIMD(g, u, n) swiglu_simd_avx512(g, u, n)
#include "llmk_elementwise.inc"

#define INLINE static inline __attribute__((always_inline))

/* F16 matmul, register-blocked (llmk_avx512_f16.c); Q4_0 / Q8_0 many-token matmul with VNNI (llmk_avx512_matmul.c). */
LLMK_HIDDEN int llmk_matmul_f32_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                       float *out, int64_t r0, int64_t r1);
LLMK_HIDDEN int llmk_matmul_f16_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                       float *out, int64_t r0, int64_t r1);
/* Q4_0, IQ4_NL, Q5_0 and Q8_0 packed once at load (llmk_avx512_q4_x16.c). */
LLMK_HIDDEN int llmk_matmul_q4_x16_avx512(int kind, const void *w, int64_t rows, int64_t cols, const void *xa,
                                          int ntok, float *out, int64_t r0, int64_t r1);
/* Q4_K and Q5_K packed once at load (llmk_avx512_q45k_x16.c). */
LLMK_HIDDEN int llmk_matmul_q45k_x16_avx512(int five, const void *w, int64_t rows, int64_t cols, const void *xa,
                                            int ntok, float *out, int64_t r0, int64_t r1);
/* Q2_K and Q3_K packed once at load (llmk_avx512_q23k_x16.c). */
LLMK_HIDDEN int llmk_matmul_q23k_x16_avx512(int three, const void *w, int64_t rows, int64_t cols, const void *xa,
                                            int ntok, float *out, int64_t r0, int64_t r1);
LLMK_HIDDEN int llmk_matmul_via_q8_0_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa,
                                            int ntok, float *out, int64_t r0, int64_t r1);
LLMK_HIDDEN int llmk_matmul_q8_0_family_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa,
                                               int ntok, float *out, int64_t r0, int64_t r1);


INLINE float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* ---------------- f32 / f16 weights x f32, 16 lanes ----------------
 * One order for every token count: ggml_vec_dot_f32 / _f16's on AVX-512, which is what llama.cpp runs for one
 * token: 4 accumulators over whole 64-element steps, reduced as (a0 + a2) + (a1 + a3) and _mm512_reduce_add_ps,
 * then the tail one element at a time (F16: in double). llama.cpp sums batches of these in tinyBLAS's order (one
 * accumulator) instead, so its logits change in the last bits with the batch size; here a token gets the same bits
 * alone and in any batch (batch invariance first), and decode, most of a generation, keeps llama.cpp's bits.
 * The F16 and F32 matmuls (llmk_avx512_f16.c) use these per-output steps with register blocking. */

LLMK_HIDDEN float llmk_f32_vec_finish_avx512(const __m512 *acc, int64_t np, int64_t n, const float *a, const float *b) {
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3])));
    for (int64_t i = np; i < n; i++) sum += a[i] * b[i];
    return sum;
}

LLMK_HIDDEN float llmk_f16_vec_finish_avx512(const __m512 *acc, int64_t np, int64_t n, const uint16_t *a,
                                             const float *b) {
    double sum = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3])));
    for (int64_t i = np; i < n; i++) sum += (double)(_cvtsh_ss(a[i]) * b[i]);
    return (float)sum;
}

INLINE void dot_f32_tile(int NT, int64_t n, const float *a, const void *x, size_t bx, float *s) {
    __m512 acc[LLMK_MAX_TILE][4];
    for (int t = 0; t < NT; t++)
        for (int j = 0; j < 4; j++) acc[t][j] = _mm512_setzero_ps();
    int64_t np = n & ~(int64_t)63;
    for (int64_t i = 0; i < np; i += 64) {
        for (int j = 0; j < 4; j++) {
            __m512 wv = _mm512_loadu_ps(a + i + 16 * j);
            for (int t = 0; t < NT; t++)
                acc[t][j] = _mm512_fmadd_ps(wv, _mm512_loadu_ps((const float *)((const char *)x + t * bx) + i + 16 * j),
                                            acc[t][j]);
        }
    }
    for (int t = 0; t < NT; t++)
        s[t] = llmk_f32_vec_finish_avx512(acc[t], np, n, a, (const float *)((const char *)x + t * bx));
}

INLINE void dot_f16_tile(int NT, int64_t n, const uint16_t *a, const void *x, size_t bx, float *s) {
    __m512 acc[LLMK_MAX_TILE][4];
    for (int t = 0; t < NT; t++)
        for (int j = 0; j < 4; j++) acc[t][j] = _mm512_setzero_ps();
    int64_t np = n & ~(int64_t)63;
    for (int64_t i = 0; i < np; i += 64) {
        for (int j = 0; j < 4; j++) {
            __m512 wv = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(a + i + 16 * j)));
            for (int t = 0; t < NT; t++)
                acc[t][j] = _mm512_fmadd_ps(wv, _mm512_loadu_ps((const float *)((const char *)x + t * bx) + i + 16 * j),
                                            acc[t][j]);
        }
    }
    for (int t = 0; t < NT; t++)
        s[t] = llmk_f16_vec_finish_avx512(acc[t], np, n, a, (const float *)((const char *)x + t * bx));
}

#define F32_CASE(NT, n, a, x, bx, s) dot_f32_tile(NT, n, a, x, bx, s)
#define F16_CASE(NT, n, a, x, bx, s) dot_f16_tile(NT, n, a, x, bx, s)

void llmk_vec_dot_f32_f32_avx512(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F32_CASE, n, (const float *)w, x, bx, s)
}

void llmk_vec_dot_f16_f32_avx512(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F16_CASE, n, (const uint16_t *)w, x, bx, s)
}

/* ---------------- Q4_0 / Q8_0 x Q8_0 with VNNI (vpdpbusd: u8 x s8 summed in 4s into i32) ---------------- */

#define VNNI __attribute__((target("avx512vnni,avx512vl")))

VNNI INLINE __m256i dot_i8_vnni(__m256i ax, __m256i sx, __m256i y) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, _mm256_sign_epi8(y, sx));
}

#define Q8T_ATTR VNNI
#define Q8T_DOT(ax, sx, y) dot_i8_vnni(ax, sx, y)
#include "llmk_q8_0_tiles.inc"

void llmk_fill_avx512(llmk_table *t) {
    t->dot[LLMK_TYPE_F32] = llmk_vec_dot_f32_f32_avx512;
    t->dot[LLMK_TYPE_F16] = llmk_vec_dot_f16_f32_avx512;
    t->matmul[LLMK_TYPE_F16] = llmk_matmul_f16_avx512;
    t->matmul[LLMK_TYPE_F32] = llmk_matmul_f32_avx512;
    if (llmk_cpu_features() & LLMK_CPU_AVX512VNNI) {
        t->dot[LLMK_TYPE_Q4_0] = llmk_vec_dot_q4_0_q8_0_avx512;
        t->dot[LLMK_TYPE_Q8_0] = llmk_vec_dot_q8_0_q8_0_avx512;
        t->matmul[LLMK_TYPE_Q4_0] = llmk_matmul_q8_0_family_avx512;
        t->matmul[LLMK_TYPE_Q8_0] = llmk_matmul_q8_0_family_avx512;
        t->matmul[LLMK_TYPE_Q5_0] = llmk_matmul_via_q8_0_avx512;
        t->matmul[LLMK_TYPE_Q4_1] = llmk_matmul_via_q8_0_avx512;
        t->matmul[LLMK_TYPE_Q5_1] = llmk_matmul_via_q8_0_avx512;
        t->matmul_q4_x16 = llmk_matmul_q4_x16_avx512;
        t->matmul_q45k_x16 = llmk_matmul_q45k_x16_avx512;
        t->matmul_q23k_x16 = llmk_matmul_q23k_x16_avx512;
        llmk_fill_quant_tiles_avx512(t);
    }
    fill_elementwise_avx512(t);
    /* attention in llama.cpp's AVX-512 summation shape: in 512-bit registers for head sizes 64 and 128, else the
     * hand-written AVX2 kernel */
    t->attention_item = llmk_attention_item_avx512;
}

uint64_t llmk_sum_words_avx512(const uint64_t *p, int64_t n) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm512_add_epi64(a0, _mm512_loadu_si512((const void *)(p + i)));
        a1 = _mm512_add_epi64(a1, _mm512_loadu_si512((const void *)(p + i + 8)));
        a2 = _mm512_add_epi64(a2, _mm512_loadu_si512((const void *)(p + i + 16)));
        a3 = _mm512_add_epi64(a3, _mm512_loadu_si512((const void *)(p + i + 24)));
    }
    uint64_t s = (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3)));
    for (; i < n; i++) s += p[i];
    return s;
}
