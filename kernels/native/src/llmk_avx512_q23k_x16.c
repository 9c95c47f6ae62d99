/* Q2_K and Q3_K weights packed once at load for AVX-512 VNNI ("q2_K x16", "q3_K x16"), one token or many. Compiled
 * with -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI.
 *
 * Arithmetic: the engine's Q2_K / Q3_K order (llmk_ref_kquants.c), so every output is bit-identical to the file
 * layout's on every ISA: per output (row r x token t) and super-block the exact integers S (and M for Q2_K), then
 * acc = fma(S, d dy, acc) (and acc = fma(-M, dmin dy, acc)). Lanes are the 16 rows of a tile. A sub-block j (elements
 * 16j .. 16j + 15) is four vpdpbusd of 4 weight bytes (u8 levels: Q2_K 0..3, Q3_K q + 4 = 0..7) x the token's 4
 * activation bytes (one dword broadcast to every row) into T_j, then one vpdpwssd adds T_j * scale_j to S: T_j fits
 * i16 (|T_j| <= 16 * 7 * 128 < 2^15) and the scale operand's high word is 0, so the word pair product is exactly
 * T_j * scale_j (cheaper than vpmulld, two uops). Q3_K's -4 offset enters as T_j's start value -4 bsums[j]
 * (broadcast from a per-call table), so T_j = sum (q - 4) q8 (|T_j| <= 8192). Q2_K's M is eight vpdpwssd of the
 * rows' min pairs by the token's bsums pairs (read straight from its Q8_K block). A sub-block's weights are split
 * into levels once per group of up to 8 tokens and stay in registers across them.
 *
 * Packed layout (rows % 16 == 0, cols % 256 == 0; nb = cols / 256 super-blocks per row; tile T = rows 16T .. 16T + 15).
 * Super-block b of tile T is one run of CHUNK bytes at byte CHUNK (nb T + b). Sub-block j = 8k + 2s + h holds bits
 * 2s .. 2s + 1 of the file's qs[32k + 16h + l], l = 0..15.
 *   Q2_K, CHUNK = 1344 = 16 x 84, the file's size:
 *     [0, 256)      scale bytes as in the file (low nibble scale, high nibble min), in pairs: byte 32p + 2r + h = row
 *                   r's scales[2p + h];
 *     [256, 288)    d of rows 0..15 (f16);  [288, 320) dmin of rows 0..15 (f16);
 *     [320, 1344)   qs: 16 vectors of 64 bytes; vector c, bytes 4r .. 4r + 3 = row r's qs[4c .. 4c + 3]; sub-block j
 *                   uses vectors 8k + 4h + m (m = 0..3: its elements 4m .. 4m + 3), shifted right by 2s.
 *   Q3_K, CHUNK = 1824 = 16 x 114 (the file's 16 x 110 plus the scales unpacked: 3.6% more):
 *     [0, 256)      scales, i8: byte 16j + r = row r's 6-bit scale of sub-block j minus 32;
 *     [256, 288)    d of rows 0..15 (f16);
 *     [288, 800)    hmask: 8 vectors of 64 bytes; vector m, bytes 4r .. 4r + 3 = row r's hmask[4m .. 4m + 3] (the
 *                   high bit of sub-block j's element 4m' + i is bit 4k + s of hmask[16h + 4m' + i]);
 *     [800, 1824)   qs: as Q2_K's.
 * A tile's bytes are one contiguous run, read front to back, with a software prefetch two super-blocks ahead. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define CHUNK(THREE) ((THREE) ? LLMK_Q3_K_X16_BLOCK_BYTES : LLMK_Q2_K_X16_BLOCK_BYTES)
#define Q2_QS 320
#define Q3_HMASK 288
#define Q3_QS 800
#define PREFETCH_CHUNKS 2
#define GROUP 8 /* tokens whose accumulators stay in registers */

_Static_assert(Q2_QS + 1024 == LLMK_Q2_K_X16_BLOCK_BYTES, "packed q2_K super-block");
_Static_assert(Q3_QS + 1024 == LLMK_Q3_K_X16_BLOCK_BYTES, "packed q3_K super-block");

/* TT (<= GROUP) tokens over one packed tile of nb super-blocks: out[j][0 .. 15] (row stride `rows` floats) for tokens
 * j < TT, whose Q8_K rows start at xa + j arow and (Q3_K) whose T start values start at off + 16 nb j.
 * THREE: Q3_K, else Q2_K. */
INLINE void tile_tokens(int THREE, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const int32_t *off, float *out, int64_t rows) {
    const __m512i m3 = _mm512_set1_epi8(3), bit2 = _mm512_set1_epi8(4), lo16 = _mm512_set1_epi32(0xFFFF);
    const __m512i m4w = _mm512_set1_epi32(0x0F);
    const size_t chunk = CHUNK(THREE);
    __m512 acc[GROUP];
    for (int t = 0; t < TT; t++) acc[t] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = tile + (size_t)b * chunk;
        for (size_t l = 0; l < chunk; l += 64)
            _mm_prefetch((const char *)blk + PREFETCH_CHUNKS * chunk + l, _MM_HINT_T0);
        const uint8_t *qs = blk + (THREE ? Q3_QS : Q2_QS);
        __m512i S[GROUP]; /* i32, lane r: row r's S of this super-block */
        for (int t = 0; t < TT; t++) S[t] = _mm512_setzero_si512();
        for (int j = 0; j < 16; j++) {
            const int k = j / 8, s = (j % 8) / 2, h = j & 1;
            __m512i v[4]; /* u8: v[m] lane r = row r's elements 4m .. 4m + 3 of sub-block j */
            for (int m = 0; m < 4; m++) {
                __m512i u = _mm512_loadu_si512((const void *)(qs + 64 * (8 * k + 4 * h + m)));
                v[m] = _mm512_and_si512(_mm512_srli_epi16(u, 2 * s), m3);
                if (THREE) { /* bit 4k + s of hmask moved to bit 2, or-ed in: v | (hm & 4) */
                    __m512i hm = _mm512_loadu_si512((const void *)(blk + Q3_HMASK + 64 * (4 * h + m)));
                    int bit = 4 * k + s;
                    hm = bit >= 2 ? _mm512_srli_epi16(hm, bit - 2) : _mm512_slli_epi16(hm, 2 - bit);
                    v[m] = _mm512_ternarylogic_epi32(v[m], hm, bit2, 0xF8);
                }
            }
            __m512i scale; /* i32, lane r: row r's scale of sub-block j in the low word, 0 in the high word */
            if (THREE) {
                scale = _mm512_and_si512(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + 16 * j))), lo16);
            } else {
                __m512i pair = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(blk + 32 * (j / 2))));
                scale = _mm512_and_si512(h ? _mm512_srli_epi32(pair, 16) : pair, m4w);
            }
            for (int t = 0; t < TT; t++) {
                const int8_t *y = ((const block_q8_K *)(xa + (size_t)t * arow) + b)->qs + 16 * j;
                __m512i T = THREE ? _mm512_set1_epi32(off[16 * ((int64_t)t * nb + b) + j]) : _mm512_setzero_si512();
                for (int m = 0; m < 4; m++) {
                    int32_t four;
                    memcpy(&four, y + 4 * m, 4);
                    T = _mm512_dpbusd_epi32(T, v[m], _mm512_set1_epi32(four));
                }
                S[t] = _mm512_dpwssd_epi32(S[t], T, scale);
            }
        }
        __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + 256)));
        if (THREE) {
            for (int t = 0; t < TT; t++) {
                __m512 dy = _mm512_set1_ps(((const block_q8_K *)(xa + (size_t)t * arow) + b)->d);
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(S[t]), _mm512_mul_ps(d, dy), acc[t]);
            }
        } else {
            __m512i mins[8]; /* i16 pairs: mins[p] lane r = row r's (min of sub-block 2p, min of 2p + 1) */
            for (int p = 0; p < 8; p++)
                mins[p] = _mm512_srli_epi16(_mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(blk + 32 * p))),
                                            4);
            __m512 dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + 288)));
            for (int t = 0; t < TT; t++) {
                const block_q8_K *y = (const block_q8_K *)(xa + (size_t)t * arow) + b;
                __m512i M = _mm512_setzero_si512();
                for (int p = 0; p < 8; p++) {
                    int32_t pair; /* (bsums[2p], bsums[2p + 1]) */
                    memcpy(&pair, y->bsums + 2 * p, 4);
                    M = _mm512_dpwssd_epi32(M, mins[p], _mm512_set1_epi32(pair));
                }
                __m512 dy = _mm512_set1_ps(y->d);
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(S[t]), _mm512_mul_ps(d, dy), acc[t]);
                acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(M), _mm512_mul_ps(dmin, dy), acc[t]);
            }
        }
    }
    for (int t = 0; t < TT; t++) _mm512_storeu_ps(out + (int64_t)t * rows, acc[t]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix (w: rows x cols of Q2_K, or Q3_K with `three`, in the layout
 * above) times ntok tokens (xa: ntok Q8_K rows of cols elements), out[t][r] (ntok x rows floats), as
 * llmk_matmul_q45k_x16_avx512: tokens in blocks whose activations stay in L2, each tile read once from memory per
 * block and then from L1/L2 for each further group of 8 tokens. The grouping changes no output's arithmetic. */
int llmk_matmul_q23k_x16_avx512(int three, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK_K != 0) return -1;
    int64_t nb = cols / QK_K;
    size_t arow = (size_t)nb * sizeof(block_q8_K), tile_bytes = (size_t)nb * CHUNK(three);
    int32_t *off = NULL;
    if (three) {
        off = llmk_scratch(LLMK_SCRATCH_K_ACT, (size_t)64 * ntok * nb);
        if (!off) return -2;
        llmk_x16_prepare_q3_offsets((const char *)xa, arow, ntok, nb, off);
    }
#define TT_CALL(n, r, t)                                                                                               \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * tile_bytes;                                  \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (three) tile_tokens(1, n, tile, nb, x, arow, off + 16 * (int64_t)(t) * nb, o, rows);                       \
        else tile_tokens(0, n, tile, nb, x, arow, NULL, o, rows);                                                      \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, 8, TT_CALL);
#undef TT_CALL
    return 0;
}
