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
 * sees one sequential stream (Q4_0 ~35, Q8_0 ~42 GB/s). The first group of a call relies on the hardware.
 * Where the group is long (rows of FAR_ROW_BYTES and more), the lines go to L2 (T1) rather than L1 (T0): on a Zen 4
 * EPYC (2 threads, `bench -p 16 -n 32`, two builds alternating), llama-1b Q8_0 (2,176-byte rows) decoded at 24.7-31.6
 * tok/s with T1 against 21.7-22.7 with T0, and JMH's 2048 x 8192 Q8_0 took 576 us against 704-759; but smol-135m Q8_0
 * (612- and 1,632-byte rows) decoded at 139-142 tok/s with T0 against 101-111 with T1. */
#define FAR_ROW_BYTES 2048
INLINE void prefetch_next_group(const char *next, int64_t step, int bytes_per_step, int far) {
    const char *p = next + step * bytes_per_step;
    if (far)
        for (int k = 0; k < bytes_per_step; k += 64) _mm_prefetch(p + k, _MM_HINT_T1); /* a line a step late is fine */
    else
        for (int k = 0; k < bytes_per_step; k += 64) _mm_prefetch(p + k, _MM_HINT_T0);
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
        prefetch_next_group(w + R * wrow, i, R * (int)sizeof(block_q8_0), wrow >= FAR_ROW_BYTES);
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
