/* AVX2 one-token matmul (decode) for Q8_0 weights x Q8_0 activations: out[r] = W[r] . x for r in [r0, r1).
 * Each weight byte is read once, so the per-block instruction count decides the speed; the activation side is
 * rearranged once per call (it is small: nb blocks of 34 bytes) so the per-row loops do as little as possible.
 *
 * Q8_0 follows llama.cpp's x86 arithmetic exactly (the engine must reproduce its logits bit for bit):
 *   one accumulator per row, acc = fma(set1(dx * dy), cvt(madd(maddubs(|x|, sign(y, x)), 1)), acc) block by
 *   block in order, result hsum8(acc). Independent chains come from four rows at once, never from reordering. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

/* Prefetch: rows interleaved in one step read R streams that each end after one row, which the hardware
 * prefetcher follows badly (Q4_0 with 2 rows and a per-row prefetch 1-2 KiB ahead fell from ~26 to ~14 GB/s on one
 * Zen 5 thread from DRAM). So each step instead prefetches the next row group (the R rows after the current ones,
 * contiguous in memory) linearly, R * block bytes per step: the group is in cache when its turn comes, and DRAM
 * sees one sequential stream (Q4_0 ~35, Q8_0 ~42 GB/s). The first group of a call relies on the hardware. */
INLINE void prefetch_next_group(const char *next, int64_t step, int bytes_per_step) {
    const char *p = next + step * bytes_per_step;
    for (int k = 0; k < bytes_per_step; k += 64) _mm_prefetch(p + k, _MM_HINT_T0); /* a line a step late is fine */
}

/* ---------------- Q8_0 (llama.cpp's arithmetic, see the top) ---------------- */

INLINE __m256 q8_block(const block_q8_0 *a, __m256i yq, float dy, __m256 acc) {
    __m256i x = _mm256_loadu_si256((const __m256i *)a->qs);
    __m256i p = dot_i8(_mm256_sign_epi8(x, x), x, yq);
    return _mm256_fmadd_ps(_mm256_set1_ps(llmk_f16_table[a->d] * dy), _mm256_cvtepi32_ps(p), acc);
}

/* Rows r .. r+R-1 (R = 1..4), one accumulator each, blocks in order. dy: nb activation scales as floats. */
INLINE void q8_rows(int R, const char *w, size_t wrow, int64_t nb, const block_q8_0 *y, const float *dy,
                    float *out) {
    const block_q8_0 *a[4];
    __m256 acc[4];
    for (int k = 0; k < R; k++) {
        a[k] = (const block_q8_0 *)(w + k * wrow);
        acc[k] = _mm256_setzero_ps();
    }
    for (int64_t i = 0; i < nb; i++) {
        prefetch_next_group(w + R * wrow, i, R * (int)sizeof(block_q8_0));
        __m256i yq = _mm256_loadu_si256((const __m256i *)y[i].qs);
        for (int k = 0; k < R; k++) acc[k] = q8_block(a[k] + i, yq, dy[i], acc[k]);
    }
    for (int k = 0; k < R; k++) out[k] = hsum8(acc[k]);
}

#ifndef Q8_ROWS
#define Q8_ROWS 4 /* rows interleaved per Q8_0 step */
#endif

int llmk_gemv_q8_0_avx2(const void *w, int64_t cols, const void *xa, float *out, int64_t r0, int64_t r1) {
    int64_t nb = cols / QK8_0;
    const block_q8_0 *y = (const block_q8_0 *)xa;
    const char *wb = (const char *)w;
    size_t wrow = (size_t)nb * sizeof(block_q8_0);
    float stack_dy[1024];
    float *dy = nb <= 1024 ? stack_dy : malloc((size_t)nb * sizeof(float));
    if (!dy) return -2;
    for (int64_t i = 0; i < nb; i++) dy[i] = llmk_f16_table[y[i].d];
    int64_t r = r0;
    for (; r + Q8_ROWS <= r1; r += Q8_ROWS) q8_rows(Q8_ROWS, wb + r * wrow, wrow, nb, y, dy, out + r);
    for (; r < r1; r++) q8_rows(1, wb + r * wrow, wrow, nb, y, dy, out + r);
    if (dy != stack_dy) free(dy);
    return 0;
}
