/* The C library's expf, 8 lanes at a time on AVX2 + FMA, bit for bit: llmk_avx512_libm_expf.h's steps (glibc's FMA
 * build, in double precision) on two 4-lane halves; the same special cases. Checked like the AVX-512 one
 * (NativeExpfTest: every float of [-104, 0] and a sweep of the rest, against the library's calls). */
#ifndef LLMK_AVX2_LIBM_EXPF_H
#define LLMK_AVX2_LIBM_EXPF_H
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include "llmk_libm_expf_tab.h"
/* 4 lanes of the double-precision steps: (float) y per lane, before the special cases. */
static inline __attribute__((always_inline)) __m128 llmk_expf_core4(__m128 x) {
    const __m256d inv = _mm256_set1_pd(0x1.71547652b82fep+5), shift = _mm256_set1_pd(0x1.8p52);
    __m256d xd = _mm256_cvtps_pd(x);
    __m256d kds = _mm256_fmadd_pd(inv, xd, shift);
    __m256i ki = _mm256_castpd_si256(kds);
    __m256d kd = _mm256_sub_pd(kds, shift);
    __m256d r = _mm256_fmsub_pd(inv, xd, kd);
    __m256i t = _mm256_i64gather_epi64((const long long *)llmk_expf_tab,
                                       _mm256_and_si256(ki, _mm256_set1_epi64x(31)), 8);
    __m256d s = _mm256_castsi256_pd(_mm256_add_epi64(t, _mm256_slli_epi64(ki, 47)));
    __m256d z = _mm256_fmadd_pd(_mm256_set1_pd(0x1.c6af84b912394p-20), r, _mm256_set1_pd(0x1.ebfce50fac4f3p-13));
    __m256d r2 = _mm256_mul_pd(r, r);
    __m256d y = _mm256_fmadd_pd(_mm256_set1_pd(0x1.62e42ff0c52d6p-6), r, _mm256_set1_pd(1.0));
    y = _mm256_fmadd_pd(z, r2, y);
    return _mm256_cvtpd_ps(_mm256_mul_pd(y, s));
}
/* expf of 8 lanes, as the C library computes each. */
static inline __attribute__((always_inline)) __m256 llmk_expf8(__m256 x) {
    __m256 y = _mm256_set_m128(llmk_expf_core4(_mm256_extractf128_ps(x, 1)),
                               llmk_expf_core4(_mm256_castps256_ps128(x)));
    __m256 low = _mm256_cmp_ps(x, _mm256_set1_ps(-0x1.9d1d9ep6f), _CMP_LT_OQ); /* also -inf */
    __m256 high = _mm256_cmp_ps(x, _mm256_set1_ps(0x1.62e42ep6f), _CMP_GT_OQ); /* also +inf */
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    if (_mm256_movemask_ps(_mm256_or_ps(_mm256_or_ps(low, high), nan))) {
        __m256 zero = _mm256_cmp_ps(x, _mm256_set1_ps(-0x1.9fe368p6f), _CMP_LT_OQ);
        y = _mm256_blendv_ps(y, _mm256_set1_ps(0x1p-149f), low);
        y = _mm256_blendv_ps(y, _mm256_setzero_ps(), zero);
        y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), high);
        y = _mm256_blendv_ps(y, _mm256_add_ps(x, x), nan);
    }
    return y;
}
#endif
