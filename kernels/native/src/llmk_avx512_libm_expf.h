/* The C library's expf, 16 lanes at a time on AVX-512, bit for bit (the attention kernels' softmax weights; the Java
 * reference, dev.quanta.kernels.CMath.expf, calls the C library's expf itself).
 *
 * glibc 2.27 and later compute expf by ARM's optimized-routines algorithm, in double precision; on a CPU with FMA
 * (every AVX-512 CPU) the dynamic loader picks its FMA build, whose steps are, with N = 32:
 *   kd' = fma(N / ln 2, x, 0x1.8p52)            round to an integer k by the shift trick; ki = bits of kd'
 *   kd  = kd' - 0x1.8p52
 *   r   = fma(N / ln 2, x, -kd)                 in [-1/2, 1/2]
 *   s   = bits(T[ki % 32] + (ki << 47))         2^(k / N): T[i] = bits(2^(i / 32)) - (i << 47), 2^(i/32) rounded
 *   y   = fma(fma(C0, r, C1), r * r, fma(C2, r, 1)) * s,   returned as (float) y
 * with C0..C2 = 0x1.c6af84b912394p-20, 0x1.ebfce50fac4f3p-13, 0x1.62e42ff0c52d6p-6, and before that: x = -inf -> 0,
 * NaN -> x + x, x > 0x1.62e42ep6 (88.72) -> +inf, x < -0x1.9fe368p6 (-103.97) -> 0, x < -0x1.9d1d9ep6 (-103.28) ->
 * 0x1p-149 (glibc's "may underflow" value, not the polynomial's). Read off this machine's libm (2.36) and checked on
 * every float of [-104, 0] and a sweep of the rest (NativeExpfTest), so the lanes equal the library's calls. */
#ifndef LLMK_AVX512_LIBM_EXPF_H
#define LLMK_AVX512_LIBM_EXPF_H

#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "llmk_libm_expf_tab.h"

/* 8 lanes of the double-precision steps above: (float) y per lane, before the special cases. */
static inline __attribute__((always_inline)) __m256 llmk_expf_core8(__m256 x) {
    const __m512d inv = _mm512_set1_pd(0x1.71547652b82fep+5), shift = _mm512_set1_pd(0x1.8p52);
    __m512d xd = _mm512_cvtps_pd(x);
    __m512d kds = _mm512_fmadd_pd(inv, xd, shift);
    __m512i ki = _mm512_castpd_si512(kds);
    __m512d kd = _mm512_sub_pd(kds, shift);
    __m512d r = _mm512_fmsub_pd(inv, xd, kd);
    /* T[ki % 32]: two 16-entry lookups (index bits 0-3) and a select on bit 4, in place of a gather */
    const __m512i *tab = (const __m512i *)llmk_expf_tab;
    __m512i lo = _mm512_permutex2var_epi64(_mm512_loadu_si512(tab), ki, _mm512_loadu_si512(tab + 1));
    __m512i hi = _mm512_permutex2var_epi64(_mm512_loadu_si512(tab + 2), ki, _mm512_loadu_si512(tab + 3));
    __m512i t = _mm512_mask_blend_epi64(_mm512_test_epi64_mask(ki, _mm512_set1_epi64(16)), lo, hi);
    __m512d s = _mm512_castsi512_pd(_mm512_add_epi64(t, _mm512_slli_epi64(ki, 47)));
    __m512d z = _mm512_fmadd_pd(_mm512_set1_pd(0x1.c6af84b912394p-20), r, _mm512_set1_pd(0x1.ebfce50fac4f3p-13));
    __m512d r2 = _mm512_mul_pd(r, r);
    __m512d y = _mm512_fmadd_pd(_mm512_set1_pd(0x1.62e42ff0c52d6p-6), r, _mm512_set1_pd(1.0));
    y = _mm512_fmadd_pd(z, r2, y);
    return _mm512_cvtpd_ps(_mm512_mul_pd(y, s));
}

/* expf of 16 lanes, as the C library computes each. */
static inline __attribute__((always_inline)) __m512 llmk_expf16(__m512 x) {
    __m512 y = _mm512_insertf32x8(_mm512_castps256_ps512(llmk_expf_core8(_mm512_castps512_ps256(x))),
                                  llmk_expf_core8(_mm512_extractf32x8_ps(x, 1)), 1);
    __mmask16 low = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-0x1.9d1d9ep6f), _CMP_LT_OQ); /* also -inf */
    __mmask16 high = _mm512_cmp_ps_mask(x, _mm512_set1_ps(0x1.62e42ep6f), _CMP_GT_OQ); /* also +inf */
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    if (low | high | nan) {
        __mmask16 zero = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-0x1.9fe368p6f), _CMP_LT_OQ);
        y = _mm512_mask_mov_ps(y, low, _mm512_set1_ps(0x1p-149f));
        y = _mm512_mask_mov_ps(y, zero, _mm512_setzero_ps());
        y = _mm512_mask_mov_ps(y, high, _mm512_set1_ps(INFINITY));
        y = _mm512_mask_add_ps(y, nan, x, x);
    }
    return y;
}

#endif
