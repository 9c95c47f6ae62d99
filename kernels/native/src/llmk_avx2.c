/* AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c; only called when CPUID reports them).
 * Multi-token dots load and unpack each weight block once, then multiply it with up to LLMK_MAX_TILE tokens'
 * activation blocks; the per-token loops are specialised for each tile size so accumulators stay in registers.
 * Activation quantizers and attention live in llmk_avx2_misc.c. */
#include "llmk_avx2_util.h"

#define LLMK_SFX(name) name##_avx2
#define LLMK_KV_H2F(h) _cvtsh_ss(h)

/* ggml_v_expf on AVX2 (ARM's optimized-routines expf, max error ~1.5 ulp): x = n ln2 + b, e^b by a polynomial, then
 * scaled by 2^n built from z's bits with the polynomial's 1 added in the last fma. Lanes with |n| > 126 (results
 * near or past float's range) take the C library's exp in double, as the Java reference does. */
static inline __m256 vexpf_avx2(__m256 x) {
    const __m256 r = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                      _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 p = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), u,
                                     _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f)));
    const __m256 k = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(z), 23),
                                                          _mm256_castps_si256(_mm256_set1_ps(1.0f))));
    __m256 res = _mm256_fmadd_ps(_mm256_fmadd_ps(p, u, _mm256_mul_ps(_mm256_set1_ps(0x1.ffffecp-1f), b)), k, k);
    const __m256 big = _mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), n), _mm256_set1_ps(126.0f), _CMP_GT_OQ);
    if (_mm256_movemask_ps(big)) {
        float xs[8], rs[8];
        _mm256_storeu_ps(xs, x);
        _mm256_storeu_ps(rs, res);
        int m = _mm256_movemask_ps(big);
        for (int l = 0; l < 8; l++)
            if (m >> l & 1) rs[l] = (float)exp((double)xs[l]);
        res = _mm256_loadu_ps(rs);
    }
    return res;
}

/* The 8-wide steps of ggml_vec_swiglu_f32 on AVX2: g / (1 + e^-g) * u. Returns how many elements it did. */
static int64_t swiglu_simd_avx2(float *g, const float *u, int64_t n) {
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    int64_t i = 0;
    for (; i + 7 < n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i);
        __m256 e = vexpf_avx2(_mm256_xor_ps(gv, sign));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_div_ps(gv, _mm256_add_ps(one, e)), _mm256_loadu_ps(u + i)));
    }
    return i;
}
#define LLMK_SWIGLU_SIMD(g, u, n) swiglu_simd_avx2(g, u, n)
#include "llmk_elementwise.inc"


/* ---------------- f32 / f16 weights x f32 activations ---------------- */

INLINE void dot_f32_tile(int NT, int64_t n, const float *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 wv = _mm256_loadu_ps(a + i);
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps((const float *)((const char *)x + t * bx) + i), acc[t]);
    }
    for (int t = 0; t < NT; t++) {
        float sum = hsum8(acc[t]);
        const float *b = (const float *)((const char *)x + t * bx);
        for (int64_t j = i; j < n; j++) sum += a[j] * b[j];
        s[t] = sum;
    }
}

INLINE void dot_f16_tile(int NT, int64_t n, const uint16_t *a, const void *x, size_t bx, float *s) {
    /* one 8-lane accumulator per token, as llama.cpp's tinyBLAS on AVX2: the same bits for any tile size */
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 wv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i)));
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps((const float *)((const char *)x + t * bx) + i), acc[t]);
    }
    for (int t = 0; t < NT; t++) {
        float sum = hsum8(acc[t]);
        const float *b = (const float *)((const char *)x + t * bx);
        for (int64_t j = i; j < n; j++) sum = fmaf(_cvtsh_ss(a[j]), b[j], sum); /* tinyBLAS tail, contracted */
        s[t] = sum;
    }
}

#define F32_CASE(NT, n, a, x, bx, s) dot_f32_tile(NT, n, a, x, bx, s)
#define F16_CASE(NT, n, a, x, bx, s) dot_f16_tile(NT, n, a, x, bx, s)

void llmk_vec_dot_f32_f32_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F32_CASE, n, (const float *)w, x, bx, s)
}

void llmk_vec_dot_f16_f32_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F16_CASE, n, (const uint16_t *)w, x, bx, s)
}

/* ---------------- Q4_0 / Q8_0 weights x Q8_0 ---------------- */

#define Q8T_ATTR
#define Q8T_DOT(ax, sx, y) dot_i8(ax, sx, y)
#include "llmk_q8_0_tiles.inc"

void llmk_fill_avx2(llmk_table *t) {
    t->dot[LLMK_TYPE_F32] = llmk_vec_dot_f32_f32_avx2;
    t->dot[LLMK_TYPE_F16] = llmk_vec_dot_f16_f32_avx2;
    t->dot[LLMK_TYPE_Q4_0] = llmk_vec_dot_q4_0_q8_0_avx2;
    t->dot[LLMK_TYPE_Q8_0] = llmk_vec_dot_q8_0_q8_0_avx2;
    llmk_fill_quant_tiles_avx2(t);
    t->quantize[LLMK_TYPE_Q8_0] = llmk_quantize_row_q8_0_avx2;
    t->quantize[LLMK_TYPE_Q8_K] = llmk_quantize_row_q8_K_avx2;
    t->matmul[LLMK_TYPE_Q4_0] = llmk_matmul_q8_0_family_avx2;
    t->matmul[LLMK_TYPE_Q8_0] = llmk_matmul_q8_0_family_avx2;
    t->matmul[LLMK_TYPE_Q5_0] = llmk_matmul_via_q8_0_avx2;
    t->matmul[LLMK_TYPE_Q4_1] = llmk_matmul_via_q8_0_avx2;
    t->matmul[LLMK_TYPE_Q5_1] = llmk_matmul_via_q8_0_avx2;
    t->matmul_q4_x16 = llmk_matmul_q4_x16_avx2;
    t->matmul_q45k_x16 = llmk_matmul_q45k_x16_avx2;
    t->matmul_q23k_x16 = llmk_matmul_q23k_x16_avx2;
    fill_elementwise_avx2(t);
    t->attention_item = llmk_attention_item_avx2;
}
