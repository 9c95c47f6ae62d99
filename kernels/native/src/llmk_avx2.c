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

INLINE __m256i unpack_q4(const uint8_t *qs) { /* 16 bytes -> 32 values 0..15 in element order */
    __m128i t = _mm_loadu_si128((const __m128i *)qs);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(t, 4), t), _mm256_set1_epi8(0x0F));
}

INLINE void dot_q4_0_tile(int NT, int64_t nb, const block_q4_0 *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m256i wq = _mm256_sub_epi8(unpack_q4(a[i].qs), _mm256_set1_epi8(8));
        __m256i aw = _mm256_sign_epi8(wq, wq);
        __m256 dw = _mm256_set1_ps(_cvtsh_ss(a[i].d));
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)((const char *)x + t * bx) + i;
            __m256i p = dot_i8(aw, wq, _mm256_loadu_si256((const __m256i *)b->qs));
            __m256 d = _mm256_mul_ps(dw, _mm256_set1_ps(_cvtsh_ss(b->d)));
            acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

INLINE void dot_q8_0_tile(int NT, int64_t nb, const block_q8_0 *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m256i wq = _mm256_loadu_si256((const __m256i *)a[i].qs);
        __m256i aw = _mm256_sign_epi8(wq, wq);
        __m256 dw = _mm256_set1_ps(_cvtsh_ss(a[i].d));
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)((const char *)x + t * bx) + i;
            __m256i p = dot_i8(aw, wq, _mm256_loadu_si256((const __m256i *)b->qs));
            __m256 d = _mm256_mul_ps(dw, _mm256_set1_ps(_cvtsh_ss(b->d)));
            acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

#define Q4_0_CASE(NT, nb, a, x, bx, s) dot_q4_0_tile(NT, nb, a, x, bx, s)
#define Q8_0_CASE(NT, nb, a, x, bx, s) dot_q8_0_tile(NT, nb, a, x, bx, s)

void llmk_vec_dot_q4_0_q8_0_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q4_0_CASE, n / QK8_0, (const block_q4_0 *)w, x, bx, s)
}

void llmk_vec_dot_q8_0_q8_0_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q8_0_CASE, n / QK8_0, (const block_q8_0 *)w, x, bx, s)
}

void llmk_fill_avx2(llmk_table *t) {
    t->dot[LLMK_TYPE_F32] = llmk_vec_dot_f32_f32_avx2;
    t->dot[LLMK_TYPE_F16] = llmk_vec_dot_f16_f32_avx2;
    t->dot[LLMK_TYPE_Q4_0] = llmk_vec_dot_q4_0_q8_0_avx2;
    t->dot[LLMK_TYPE_Q8_0] = llmk_vec_dot_q8_0_q8_0_avx2;
    t->dot[LLMK_TYPE_Q4_K] = llmk_vec_dot_q4_K_q8_K_avx2;
    t->dot[LLMK_TYPE_Q6_K] = llmk_vec_dot_q6_K_q8_K_avx2;
    t->quantize[LLMK_TYPE_Q8_0] = llmk_quantize_row_q8_0_avx2;
    t->quantize[LLMK_TYPE_Q8_K] = llmk_quantize_row_q8_K_avx2;
    t->matmul[LLMK_TYPE_Q4_0] = llmk_matmul_q8_0_family_avx2;
    t->matmul[LLMK_TYPE_Q8_0] = llmk_matmul_q8_0_family_avx2;
    t->matmul[LLMK_TYPE_F16] = llmk_matmul_f16_avx2;
    fill_elementwise_avx2(t);
    t->attention_item = llmk_attention_item_avx2;
}
