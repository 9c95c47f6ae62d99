/* Q5_0, Q4_1 and Q5_1 from VIA_Q8_MIN_TOKENS tokens on, through the AVX2 Q8_0 kernel (llmk_avx2_matmul.c): the
 * driver of llmk_via_q8_0.inc, as on AVX-512. The AVX2 Q5_0 / Q4_1 / Q5_1 dots (llmk_quant_tiles.inc) and the AVX2
 * Q8_0 kernel share llama.cpp's 8-lane shape, so every output keeps the one-token dot's bits
 * (MatmulBatchInvarianceTest). smol-135m's K-quant files are mostly these types (576-wide rows are not whole
 * super-blocks). */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"
#include "llmk_avx2_util.h"

#include "llmk_via_q8_0.inc"

int llmk_matmul_via_q8_0_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                              float *out, int64_t r0, int64_t r1) {
    return via_q8_0(wtype, w, rows, cols, xa, ntok, out, r0, r1, llmk_matmul_q8_0_family_avx2);
}
