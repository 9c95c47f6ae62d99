/* AVX2 K-quant dot products (Q4_K, Q6_K weights x Q8_K activations); split from llmk_avx2.c, whose table
 * (llmk_fill_avx2) points here. Compiled with -mavx2 -mfma -mf16c. */
#include "llmk_avx2_util.h"

/* ---------------- K-quants x Q8_K ---------------- */

/* Q4_K: values 0..15 (unsigned) times q8 with one 6-bit scale per 32 and a 6-bit min per 32 (applied via bsums). */
INLINE void dot_q4_K_tile(int NT, int64_t nb, const block_q4_K *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < nb; i++) {
        for (int l = 0; l < (int)sizeof(block_q4_K); l += 64)
            _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH + l, _MM_HINT_T0);
        /* 8 six-bit scales and 8 six-bit mins from 12 bytes (ggml's kmask unpacking), widened to i16 */
        uint32_t utmp[4];
        memcpy(utmp, a[i].scales, 12);
        utmp[3] = ((utmp[2] >> 4) & 0x0f0f0f0f) | (((utmp[1] >> 6) & 0x03030303) << 4);
        const uint32_t uaux = utmp[1] & 0x3f3f3f3f;
        utmp[1] = (utmp[2] & 0x0f0f0f0f) | (((utmp[0] >> 6) & 0x03030303) << 4);
        utmp[2] = uaux;
        utmp[0] &= 0x3f3f3f3f;
        __m256i ms = _mm256_cvtepu8_epi16(_mm_set_epi32((int)utmp[3], (int)utmp[2], (int)utmp[1], (int)utmp[0]));
        __m256i scales = _mm256_permute2x128_si256(ms, ms, 0x00); /* scales 0..7 in both lanes */
        __m128i mins8 = _mm256_extracti128_si256(ms, 1);           /* one min per 32 elements */
        __m256i wq[8], scv[8];
        for (int j = 0; j < 4; j++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(a[i].qs + 32 * j));
            wq[2 * j] = _mm256_and_si256(v, m4);
            wq[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
        }
        for (int j = 0; j < 8; j++)
            scv[j] = _mm256_shuffle_epi8(scales, _mm256_set1_epi16((short)(0x0100 + 0x0202 * j)));
        float dw = _cvtsh_ss(a[i].d), dminw = _cvtsh_ss(a[i].dmin);
        for (int t = 0; t < NT; t++) {
            const block_q8_K *b = (const block_q8_K *)((const char *)x + t * bx) + i;
            __m256i sumi = _mm256_setzero_si256();
            for (int j = 0; j < 8; j++) {
                __m256i p = _mm256_maddubs_epi16(wq[j], _mm256_loadu_si256((const __m256i *)(b->qs + 32 * j)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scv[j]));
            }
            /* bsums are per 16 elements; pairs make the per-32 sums the mins apply to */
            __m128i q8sums = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)b->bsums),
                                            _mm_loadu_si128((const __m128i *)(b->bsums + 8)));
            __m256i msum = _mm256_zextsi128_si256(_mm_madd_epi16(mins8, q8sums));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * b->d), _mm256_cvtepi32_ps(sumi), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dminw * b->d), _mm256_cvtepi32_ps(msum), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

/* Q6_K: values 0..63 kept unsigned; the -32 offset is applied as -32 * sum(scale * bsum). */
INLINE void dot_q6_K_tile(int NT, int64_t nb, const block_q6_K *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(0x03);
    for (int64_t i = 0; i < nb; i++) {
        for (int l = 0; l < (int)sizeof(block_q6_K); l += 64)
            _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH + l, _MM_HINT_T0);
        __m256i wq[8], scv[8];
        for (int j = 0; j < 2; j++) {
            __m256i l0 = _mm256_loadu_si256((const __m256i *)(a[i].ql + 64 * j));
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(a[i].ql + 64 * j + 32));
            __m256i h = _mm256_loadu_si256((const __m256i *)(a[i].qh + 32 * j));
            wq[4 * j + 0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(h, m2), 4));
            wq[4 * j + 1] = _mm256_or_si256(_mm256_and_si256(l1, m4),
                                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), m2), 4));
            wq[4 * j + 2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), m2), 4));
            wq[4 * j + 3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), m2), 4));
        }
        const int8_t *sc = a[i].scales;
        for (int j = 0; j < 8; j++)
            scv[j] = _mm256_set_m128i(_mm_set1_epi16(sc[2 * j + 1]), _mm_set1_epi16(sc[2 * j]));
        __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc));
        float dw = _cvtsh_ss(a[i].d);
        for (int t = 0; t < NT; t++) {
            const block_q8_K *b = (const block_q8_K *)((const char *)x + t * bx) + i;
            __m256i sumi = _mm256_setzero_si256();
            for (int j = 0; j < 8; j++) {
                __m256i p = _mm256_maddubs_epi16(wq[j], _mm256_loadu_si256((const __m256i *)(b->qs + 32 * j)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scv[j]));
            }
            __m256i off = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)b->bsums), sc16);
            sumi = _mm256_sub_epi32(sumi, _mm256_slli_epi32(off, 5));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * b->d), _mm256_cvtepi32_ps(sumi), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

#define Q4_K_CASE(NT, nb, a, x, bx, s) dot_q4_K_tile(NT, nb, a, x, bx, s)
#define Q6_K_CASE(NT, nb, a, x, bx, s) dot_q6_K_tile(NT, nb, a, x, bx, s)

void llmk_vec_dot_q4_K_q8_K_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q4_K_CASE, n / QK_K, (const block_q4_K *)w, x, bx, s)
}

void llmk_vec_dot_q6_K_q8_K_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q6_K_CASE, n / QK_K, (const block_q6_K *)w, x, bx, s)
}
