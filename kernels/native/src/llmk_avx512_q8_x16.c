/* Q8_0 weights packed once at load for AVX-512 VNNI ("q8_0 x16"), one token or many. Compiled with
 * -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI. From LLMK_AMX_MIN_TOKENS tokens on
 * a CPU with AMX, the same outputs come from llmk_matmul_q8_x16_amx (llmk_amx_q4_x16.c).
 *
 * Arithmetic: llama.cpp's repacked q8_0 order (ggml_gemv/gemm_q8_0_4x4/4x8_q8_0, which llama.cpp runs on Arm; the
 * order of its repacked Q4_0 on x86): per output (row r x token t),
 *   acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc);   out = acc,
 * isum_b the exact int32 sum of the block's 32 products. The file layout's kernels follow llama.cpp's unpacked x86
 * order instead (8 float lanes of 4-element sums, llmk_q8_0_tiles.inc), so a packed matrix's results differ from the
 * unpacked one's in the last bits, as packed IQ4_NL's do; each is the same for every token count. The packed order
 * lets the 32-element sum come from one AMX tile product, where the 8-lane order would need a K of 4.
 *
 * Packed layout (the Q8_0 matrix's own byte size, rows % 16 == 0, cols % 32 == 0; nb = cols / 32 blocks per row;
 * tile T = rows 16T .. 16T + 15, 544 * nb bytes at byte 544 * nb * T):
 *   qs region, bytes [0, 512 nb):    block b at 512 b: 8 vectors of 64 bytes; vector c (0..7), bytes 4r .. 4r + 3 =
 *                                    row 16T + r's elements 4c .. 4c + 3, each as w + 128 (w ^ 0x80, unsigned);
 *   scale region, [512 nb, 544 nb):  block b at 512 nb + 32 b: the 16 rows' f16 scales d, row order.
 * Vector c is at once the operand of vpdpbusd for 16 rows and row c of an AMX B tile (8 rows x 64 bytes, VNNI
 * order), so both kernels read the packed bytes as they are. vpdpbusd starts from -128 * sum(y) (exact int32), which
 * leaves isum_b; the AMX kernel adds the same correction to its tile product. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define PREFETCH_BLOCKS 24 /* 12 KB ahead into L2, as the Q4_0 kernel */

_Static_assert(LLMK_Q8_0_X16_BLOCK_BYTES == TILE * sizeof(block_q8_0), "packed q8_0 tile block");

/* TT (<= 8) tokens over one packed tile: out[j][r .. r + 15] for tokens j < TT. */
INLINE void tile_tokens(int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow, const float *act,
                        float *out, int64_t rows) {
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * 512);
    __m512 acc[8];
    for (int j = 0; j < TT; j++) acc[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = tile + (size_t)b * 512;
        for (int c = 0; c < 8; c++) _mm_prefetch((const char *)q + PREFETCH_BLOCKS * 512 + 64 * c, _MM_HINT_T1);
        if ((b & 1) == 0) _mm_prefetch((const char *)(d + (b + 2 * PREFETCH_BLOCKS) * TILE), _MM_HINT_T1);
        __m512i v[8]; /* u8: v[c] lane r = elements 4c .. 4c + 3 of row r's block, + 128 */
        for (int c = 0; c < 8; c++) v[c] = _mm512_loadu_si512((const void *)(q + 64 * c));
        __m512 dx = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(d + b * TILE)));
        for (int j = 0; j < TT; j++) {
            const int8_t *yq = ((const block_q8_0 *)(xa + (size_t)j * arow) + b)->qs;
            const float *a = act + 2 * (j * nb + b);
            __m512i s = _mm512_set1_epi32(((const int32_t *)a)[1]);
            for (int c = 0; c < 8; c++) {
                int32_t four;
                memcpy(&four, yq + 4 * c, 4);
                s = _mm512_dpbusd_epi32(s, v[c], _mm512_set1_epi32(four));
            }
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dx, _mm512_set1_ps(a[0])), acc[j]);
        }
    }
    for (int j = 0; j < TT; j++) _mm512_storeu_ps(out + (int64_t)j * rows, acc[j]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens (LLMK_X16_FOR_GROUPS: every tile read once
 * from memory per token block, then from L1/L2 for each further group of 8 tokens). */
int llmk_matmul_q8_x16_avx512(int variant, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                              float *out, int64_t r0, int64_t r1) {
    (void)variant;
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK8_0 != 0) return -1;
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    float *act = llmk_scratch(LLMK_SCRATCH_Q4_ACT, (size_t)2 * ntok * nb * sizeof(float));
    if (!act) return -2;
    llmk_q4_prepare_act((const char *)xa, arow, ntok, nb, 128, act);
    if ((llmk_cpu_features() & LLMK_CPU_AMX_INT8) && ntok >= LLMK_AMX_MIN_TOKENS)
        return llmk_matmul_q8_x16_amx(w, rows, cols, xa, ntok, out, r0, r1, act);
#define TT_CALL(n, r, t)                                                                                               \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * nb * LLMK_Q8_0_X16_BLOCK_BYTES;              \
        tile_tokens(n, tile, nb, (const char *)xa + (size_t)(t) * arow, arow, act + (size_t)2 * (t) * nb,              \
                    out + (int64_t)(t) * rows + (r), rows);                                                            \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, 8, TT_CALL);
#undef TT_CALL
    return 0;
}
