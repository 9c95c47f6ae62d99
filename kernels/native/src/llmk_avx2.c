/* AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c; only called when CPUID reports them).
 * Multi-token dots load and unpack each weight block once, then multiply it with up to LLMK_MAX_TILE tokens'
 * activation blocks; the per-token loops are specialised for each tile size so accumulators stay in registers.
 * Activation quantizers and attention live in llmk_avx2_misc.c. */
#include "llmk_avx2_util.h"

#define LLMK_SFX(name) name##_avx2
#define LLMK_KV_H2F(h) _cvtsh_ss(h)
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
    fill_elementwise_avx2(t);
    t->attention_item = llmk_attention_item_avx2;
}
