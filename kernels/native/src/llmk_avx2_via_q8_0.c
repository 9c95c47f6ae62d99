/* Q5_0, Q4_1 and Q5_1 many-token matmuls on AVX2 through the AVX2 Q8_0 kernel (llmk_avx2_matmul.c), as
 * llmk_avx512_matmul.c does on AVX-512 (its comment gives the argument): from VIA_Q8_MIN_TOKENS tokens on, each chunk
 * of rows is re-written as Q8_0 blocks of its values (llmk_to_q8_0.inc), multiplied by the Q8_0 kernel, and for
 * Q4_1 / Q5_1 the min sums, accumulated in block order (mul, then add), are added once. The AVX2 Q5_0 / Q4_1 / Q5_1
 * dots (llmk_quant_tiles.inc) and the AVX2 Q8_0 kernel share llama.cpp's 8-lane shape, so every output keeps the
 * one-token dot's bits (MatmulBatchInvarianceTest). Fewer tokens: declined, and llmk_matmul runs the dot row by row.
 * smol-135m's K-quant files are mostly these types (576-wide rows are not whole super-blocks). */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"
#include "llmk_avx2_util.h"

#define VIA_Q8_MIN_TOKENS 4
#define VIA_Q8_CHUNK_BYTES (256 * 1024) /* converted rows per step: L2-resident while every token block passes */

#include "llmk_to_q8_0.inc"

int llmk_matmul_via_q8_0_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                              float *out, int64_t r0, int64_t r1) {
    if (ntok < VIA_Q8_MIN_TOKENS) return LLMK_MATMUL_DECLINED;
    int has_min = wtype != LLMK_TYPE_Q5_0;
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)llmk_row_bytes(wtype, cols);
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    int64_t chunk = (int64_t)(VIA_Q8_CHUNK_BYTES / arow) & ~15;
    if (chunk < 16) chunk = 16;
    size_t conv_bytes = ((size_t)chunk * arow + 63) & ~(size_t)63;
    size_t mt_bytes = has_min ? ((size_t)nb * chunk * sizeof(float) + 63) & ~(size_t)63 : 0;
    size_t act_bytes = has_min ? ((size_t)ntok * arow + 63) & ~(size_t)63 : 0;
    size_t sx_bytes = has_min ? (size_t)ntok * nb * sizeof(float) : 0;
    char *buf = llmk_scratch(LLMK_SCRATCH_VIA_Q8, conv_bytes + mt_bytes + act_bytes + sx_bytes);
    if (!buf) return -2;
    block_q8_0 *conv = (block_q8_0 *)buf;
    float *mt = (float *)(buf + conv_bytes);
    const void *x8 = xa;
    float *sx = (float *)(buf + conv_bytes + mt_bytes + act_bytes);
    if (has_min) {
        block_q8_0 *a8 = (block_q8_0 *)(buf + conv_bytes + mt_bytes);
        q8_1_as_q8_0(xa, ntok, nb, a8, sx);
        x8 = a8;
    }
    for (int64_t rc = r0; rc < r1; rc += chunk) {
        int64_t n = r1 - rc < chunk ? r1 - rc : chunk;
        to_q8_0(wtype, (const char *)w + rc * wrow, n, nb, conv, mt, chunk);
        int rc_ = llmk_matmul_q8_0_family_avx2(LLMK_TYPE_Q8_0, conv, rows, cols, x8, ntok, out + rc, 0, n);
        if (rc_) return rc_;
        if (!has_min) continue;
        for (int t = 0; t < ntok; t++) { /* out += the min sums, 8 rows at a time, blocks in order */
            const float *st = sx + (size_t)t * nb;
            float *o = out + (int64_t)t * rows + rc;
            int64_t i = 0;
            for (; i + 8 <= n; i += 8) {
                __m256 summ = _mm256_setzero_ps();
                for (int64_t b = 0; b < nb; b++)
                    summ = _mm256_add_ps(summ, _mm256_mul_ps(_mm256_loadu_ps(mt + (size_t)b * chunk + i),
                                                             _mm256_set1_ps(st[b])));
                _mm256_storeu_ps(o + i, _mm256_add_ps(_mm256_loadu_ps(o + i), summ));
            }
            for (; i < n; i++) {
                float summ = 0.0f;
                for (int64_t b = 0; b < nb; b++) {
                    float prod = mt[(size_t)b * chunk + i] * st[b];
                    summ = summ + prod;
                }
                o[i] = o[i] + summ;
            }
        }
    }
    return 0;
}
