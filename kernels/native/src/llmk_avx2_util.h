/* Internal helpers shared by the AVX2 translation units (compiled with -mavx2 -mfma -mf16c only). */
#ifndef LLMK_AVX2_UTIL_H
#define LLMK_AVX2_UTIL_H

#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))

#ifndef LLMK_PREFETCH
#define LLMK_PREFETCH 2048 /* bytes ahead the weight streams prefetch (measured: 512..8192, 2048 best) */
#endif
#ifndef LLMK_PREFETCH_L2
#define LLMK_PREFETCH_L2 6144 /* ... and into L2 (QT_PREFETCH): 6144 and 12288 measured alike */
#endif

INLINE float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* signed x signed bytes, 32 pairs -> 8 x i32 partial sums (ggml's sign trick: |x| * (y with x's sign)). */
INLINE __m256i dot_i8(__m256i ax, __m256i sx, __m256i y) {
    __m256i p = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(y, sx));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/* Activation quantizers and paged attention (llmk_avx2_misc.c). */
LLMK_HIDDEN void llmk_attention_item_avx2(float *out, const float *q, int group, int head_dim, const void *k, const void *v,
                                          int kv_type, size_t slot_bytes, size_t head_off, int block_size,
                                          const int32_t *block_table, int seq_len, float scale);

/* Q4_0 / Q8_0 matmul fast paths (same contract as llmk_matmul for these types) in llmk_avx2_matmul.c, which hands
 * one Q8_0 token to the decode kernel in llmk_avx2_gemv.c (same order as the many-token kernel). */
/* Q5_0, Q4_1 and Q5_1 from 4 tokens on through the Q8_0 kernel (llmk_avx2_via_q8_0.c; llmk_matmul's contract, or
 * LLMK_MATMUL_DECLINED for fewer tokens). */
LLMK_HIDDEN int llmk_matmul_via_q8_0_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa,
                                          int ntok, float *out, int64_t r0, int64_t r1);
/* Q4_0, IQ4_NL, Q5_0 and Q8_0 packed once at load (llmk_avx2_q4_x16.c; llmk_table.matmul_q4_x16's contract;
 * kind LLMK_X16_*). */
LLMK_HIDDEN int llmk_matmul_q4_x16_avx2(int kind, const void *w, int64_t rows, int64_t cols, const void *xa,
                                        int ntok, float *out, int64_t r0, int64_t r1);
/* Q4_K and (five) Q5_K packed once at load (llmk_avx2_q45k_x16.c; llmk_table.matmul_q45k_x16's contract). */
LLMK_HIDDEN int llmk_matmul_q45k_x16_avx2(int five, const void *w, int64_t rows, int64_t cols, const void *xa,
                                          int ntok, float *out, int64_t r0, int64_t r1);
/* Q2_K and (three) Q3_K packed once at load (llmk_avx2_q23k_x16.c; llmk_table.matmul_q23k_x16's contract). */
LLMK_HIDDEN int llmk_matmul_q23k_x16_avx2(int three, const void *w, int64_t rows, int64_t cols, const void *xa,
                                          int ntok, float *out, int64_t r0, int64_t r1);
LLMK_HIDDEN int llmk_matmul_q8_0_family_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa,
                                             int ntok, float *out, int64_t r0, int64_t r1);
LLMK_HIDDEN int llmk_gemv_q8_0_avx2(const void *w, int64_t cols, const void *xa, float *out, int64_t r0, int64_t r1);
#endif
