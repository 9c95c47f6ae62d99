/* Q4_K and Q5_K weights packed once at load for AVX-512 VNNI ("q4_K x16", "q5_K x16"), one token or many. Compiled
 * with -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI.
 *
 * Arithmetic: the engine's Q4_K / Q5_K order (llmk_ref_kquants.c), so every output is bit-identical to the file
 * layout's on every ISA: per output (row r x token t) and super-block, the exact integers S = sum_j scale_j dot_j and
 * M = sum_j min_j bsum_j, then acc = fma(S, d dy, acc); acc = fma(-M, dmin dy, acc). Lanes are the 16 rows of a
 * tile: vpdpbusd sums 4 weight bytes (u8 values) x the token's 4 activation bytes (one dword broadcast to every row),
 * 8 of them give a sub-block's 32 products, vpmulld by the 16 rows' sub-block scale adds it to S; M is four vpdpwssd
 * of the rows' min pairs by the token's pairs of 32-element sums; then the two fmas on 16 rows at once. A sub-block's
 * weights are split into values once per group of up to 8 tokens and stay in registers across them.
 *
 * Packed layout (rows % 16 == 0, cols % 256 == 0; nb = cols / 256 super-blocks per row; tile T = rows 16T .. 16T + 15).
 * Super-block b of tile T is one run of CHUNK bytes at byte CHUNK (nb T + b), CHUNK = 2368 for Q4_K (16 x 148 bytes
 * against the file's 16 x 144), 2880 for Q5_K (16 x 180 against 16 x 176):
 *   [0, 128)       scales, u8: byte 16 j + r = row r's 6-bit scale of sub-block j (elements 32j .. 32j + 31);
 *   [128, 256)     mins, u8 pairs: byte 32 p + 2 r + h = row r's min of sub-block 2p + h;
 *   [256, 288)     d of rows 0..15 (f16, as in the file);  [288, 320) dmin of rows 0..15 (f16);
 *   [320, 2368)    qs: 32 vectors of 64 bytes; vector 8p + c, bytes 4r .. 4r + 3 = row r's qs[32p + 4c .. + 3]:
 *                  low nibbles = elements 4c .. 4c + 3 of sub-block 2p, high nibbles = those of sub-block 2p + 1;
 *   [2368, 2880)   (Q5_K) qh: 8 vectors of 64 bytes; vector c, bytes 4r .. 4r + 3 = row r's qh[4c .. 4c + 3] (bit j of
 *                  byte l: the fifth bit of sub-block j's element l).
 * Scales and mins are unpacked from their 6-bit form at load; u8 rather than i32 keeps the packed matrix within 3% of
 * the file's size (one-token decode streams the weights from memory), and widening them costs one vpmovzx per
 * sub-block and group of tokens. A tile's bytes are one contiguous run, read front to back, with a software prefetch
 * two super-blocks ahead into L2 (T1): into L1 (T0), a super-block's 37 to 45 lines at once held the L1's miss slots
 * and halved one-token speed on a Zen 4 EPYC (2048 x 8192 from DRAM, 2 threads, JMH MatmulBenchmark in one run: Q5_K
 * 881 -> 360-394 us, Q4_K 411 -> 290-328 us; 128 tokens unchanged or faster). */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define HEAD_BYTES 320 /* scales, mins, d, dmin */
#define QS_BYTES 2048
#define QH_BYTES 512
#define CHUNK(HIGH) ((HIGH) ? LLMK_Q5_K_X16_BLOCK_BYTES : LLMK_Q4_K_X16_BLOCK_BYTES)
#define PREFETCH_CHUNKS 2
#define GROUP 8 /* tokens whose accumulators stay in registers */

_Static_assert(HEAD_BYTES + QS_BYTES == LLMK_Q4_K_X16_BLOCK_BYTES, "packed q4_K super-block");
_Static_assert(HEAD_BYTES + QS_BYTES + QH_BYTES == LLMK_Q5_K_X16_BLOCK_BYTES, "packed q5_K super-block");

/* TT (<= GROUP) tokens over one packed tile of nb super-blocks: out[j][0 .. 15] (row stride `rows` floats) for tokens
 * j < TT, whose Q8_K rows start at xa + j arow and whose pair sums start at bs + 4 nb j. HIGH: Q5_K, else Q4_K. */
INLINE void tile_tokens(int HIGH, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const int32_t *bs, float *out, int64_t rows) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), bit4 = _mm512_set1_epi8(0x10);
    const size_t chunk = CHUNK(HIGH);
    __m512 acc[GROUP];
    for (int j = 0; j < TT; j++) acc[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = tile + (size_t)b * chunk;
        for (size_t l = 0; l < chunk; l += 64)
            _mm_prefetch((const char *)blk + PREFETCH_CHUNKS * chunk + l, _MM_HINT_T1);
        __m512i S[GROUP]; /* i32, lane r: row r's S of this super-block */
        for (int j = 0; j < TT; j++) S[j] = _mm512_setzero_si512();
        for (int s = 0; s < 8; s++) {
            const uint8_t *q = blk + HEAD_BYTES + 512 * (s / 2);
            __m512i v[8]; /* u8: v[c] lane r = row r's elements 4c .. 4c + 3 of sub-block s */
            for (int c = 0; c < 8; c++) {
                __m512i u = _mm512_loadu_si512((const void *)(q + 64 * c));
                v[c] = _mm512_and_si512(s & 1 ? _mm512_srli_epi16(u, 4) : u, m4);
                if (HIGH) { /* bit s of qh moved to bit 4, or-ed in: v | (h & 0x10) */
                    __m512i h = _mm512_loadu_si512((const void *)(blk + HEAD_BYTES + QS_BYTES + 64 * c));
                    h = s < 4 ? _mm512_slli_epi16(h, 4 - s) : _mm512_srli_epi16(h, s - 4);
                    v[c] = _mm512_ternarylogic_epi32(v[c], h, bit4, 0xF8);
                }
            }
            __m512i scale = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(blk + 16 * s)));
            for (int j = 0; j < TT; j++) {
                const int8_t *y = ((const block_q8_K *)(xa + (size_t)j * arow) + b)->qs + 32 * s;
                __m512i dot = _mm512_setzero_si512();
                for (int c = 0; c < 8; c++) {
                    int32_t four;
                    memcpy(&four, y + 4 * c, 4);
                    dot = _mm512_dpbusd_epi32(dot, v[c], _mm512_set1_epi32(four));
                }
                S[j] = _mm512_add_epi32(S[j], _mm512_mullo_epi32(dot, scale));
            }
        }
        __m512i mins[4]; /* i16 pairs: mins[p] lane r = row r's (min of sub-block 2p, min of 2p + 1) */
        for (int p = 0; p < 4; p++)
            mins[p] = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * p)));
        __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + 256)));
        __m512 dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + 288)));
        for (int j = 0; j < TT; j++) {
            const int32_t *pairs = bs + 4 * ((int64_t)j * nb + b);
            __m512i M = _mm512_setzero_si512();
            for (int p = 0; p < 4; p++) M = _mm512_dpwssd_epi32(M, mins[p], _mm512_set1_epi32(pairs[p]));
            __m512 dy = _mm512_set1_ps(((const block_q8_K *)(xa + (size_t)j * arow) + b)->d);
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(S[j]), _mm512_mul_ps(d, dy), acc[j]);
            acc[j] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(M), _mm512_mul_ps(dmin, dy), acc[j]);
        }
    }
    for (int j = 0; j < TT; j++) _mm512_storeu_ps(out + (int64_t)j * rows, acc[j]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens, as llmk_matmul_q4_x16_avx512: tokens in
 * blocks whose activations stay in L2, each tile read once from memory per block and then from L1/L2 for each
 * further group of 8 tokens. The grouping changes no output's arithmetic. */
int llmk_matmul_q45k_x16_avx512(int five, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK_K != 0) return -1;
    int64_t nb = cols / QK_K;
    size_t arow = (size_t)nb * sizeof(block_q8_K), tile_bytes = (size_t)nb * CHUNK(five);
    int32_t *bs = llmk_scratch(LLMK_SCRATCH_K_ACT, (size_t)16 * ntok * nb);
    if (!bs) return -2;
    llmk_x16_prepare_bsums((const char *)xa, arow, ntok, nb, bs);
#define TT_CALL(n, r, t)                                                                                               \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * tile_bytes;                                  \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const int32_t *a = bs + 4 * (int64_t)(t) * nb;                                                                 \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (five) tile_tokens(1, n, tile, nb, x, arow, a, o, rows);                                                    \
        else tile_tokens(0, n, tile, nb, x, arow, a, o, rows);                                                         \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, 8, TT_CALL);
#undef TT_CALL
    return 0;
}
