/* Q4_K and Q5_K packed once at load, on AVX2 (+ FMA, F16C): the AVX-512 VNNI kernel's layout and arithmetic
 * (llmk_avx512_q45k_x16.c, which describes the packed bytes), so the two give the same bits, and those of the file
 * layout: per output (row r x token t) and super-block the exact integers S = sum_j scale_j dot_j and
 * M = sum_j min_j bsum_j, then acc = fma(S, d dy, acc); acc = fma(-M, dmin dy, acc).
 *
 * A 16-row tile is two halves of 8 rows, one 256-bit register each (bytes 32h .. 32h + 31 of every 64-byte vector of
 * the layout). Without vpdpbusd, a sub-block's 32 products per row come from vpmaddubsw (u8 weight x s8 activation,
 * adjacent pairs summed to i16) on each group of 4 elements, the i16 pairs summed across groups, then one vpmaddwd by
 * the row's scale in both words of its dword: scale x (pair sum + pair sum) = scale x dot_j, exact in i32. The i16
 * sums cannot saturate: |pair| <= 2 x 31 x 128 = 7936 for Q5_K (so 4 groups at most per i16 sum, 31744), 2 x 15 x
 * 128 = 3840 for Q4_K (all 8 groups, 30720). M is four vpmaddwd of the rows' min pairs by the token's pair of
 * sub-block sums (llmk_x16_prepare_bsums). A sub-block's weights are split into values once per group of up to 4
 * tokens and stay in registers across them (16 ymm registers: 8 hold the values). */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define HEAD_BYTES 320 /* scales, mins, d, dmin */
#define QS_BYTES 2048
#define CHUNK(HIGH) ((HIGH) ? LLMK_Q5_K_X16_BLOCK_BYTES : LLMK_Q4_K_X16_BLOCK_BYTES)
#define PREFETCH_CHUNKS 2
#define GROUP 4 /* tokens per pass over a sub-block's values */

/* TT (<= GROUP) tokens over one packed tile of nb super-blocks: out[j][0 .. 15] (row stride `rows` floats) for tokens
 * j < TT, whose Q8_K rows start at xa + j arow and whose pair sums start at bs + 4 nb j. HIGH: Q5_K, else Q4_K. */
INLINE void tile_tokens(int HIGH, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const int32_t *bs, float *out, int64_t rows) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), bit4 = _mm256_set1_epi8(0x10);
    const size_t chunk = CHUNK(HIGH);
    __m256 acc[2][GROUP];
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) acc[h][j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = tile + (size_t)b * chunk;
        for (size_t l = 0; l < chunk; l += 64)
            _mm_prefetch((const char *)blk + PREFETCH_CHUNKS * chunk + l, _MM_HINT_T1);
        for (int h = 0; h < 2; h++) {
            __m256i S[GROUP]; /* i32, lane r: row 8h + r's S of this super-block */
            for (int j = 0; j < TT; j++) S[j] = _mm256_setzero_si256();
            for (int s = 0; s < 8; s++) {
                const uint8_t *q = blk + HEAD_BYTES + 512 * (s / 2) + 32 * h;
                __m256i v[8]; /* u8: v[c] lane r = row 8h + r's elements 4c .. 4c + 3 of sub-block s */
                for (int c = 0; c < 8; c++) {
                    __m256i u = _mm256_loadu_si256((const __m256i *)(q + 64 * c));
                    v[c] = _mm256_and_si256(s & 1 ? _mm256_srli_epi16(u, 4) : u, m4);
                    if (HIGH) { /* bit s of qh moved to bit 4, or-ed in */
                        __m256i hb = _mm256_loadu_si256(
                            (const __m256i *)(blk + HEAD_BYTES + QS_BYTES + 64 * c + 32 * h));
                        hb = s < 4 ? _mm256_slli_epi16(hb, 4 - s) : _mm256_srli_epi16(hb, s - 4);
                        v[c] = _mm256_or_si256(v[c], _mm256_and_si256(hb, bit4));
                    }
                }
                /* the 8 rows' scales of sub-block s in both i16 words of their dwords */
                __m256i scale = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(blk + 16 * s + 8 * h)));
                scale = _mm256_or_si256(scale, _mm256_slli_epi32(scale, 16));
                for (int j = 0; j < TT; j++) {
                    const int8_t *y = ((const block_q8_K *)(xa + (size_t)j * arow) + b)->qs + 32 * s;
                    __m256i p[2];
                    for (int g = 0; g < 2; g++) {
                        p[g] = _mm256_setzero_si256();
                        for (int c = 4 * g; c < 4 * g + 4; c++) {
                            int32_t four;
                            memcpy(&four, y + 4 * c, 4);
                            p[g] = _mm256_add_epi16(p[g], _mm256_maddubs_epi16(v[c], _mm256_set1_epi32(four)));
                        }
                    }
                    if (HIGH) {
                        S[j] = _mm256_add_epi32(S[j], _mm256_madd_epi16(p[0], scale));
                        S[j] = _mm256_add_epi32(S[j], _mm256_madd_epi16(p[1], scale));
                    } else {
                        S[j] = _mm256_add_epi32(S[j], _mm256_madd_epi16(_mm256_add_epi16(p[0], p[1]), scale));
                    }
                }
            }
            __m256i mins[4]; /* i16 pairs: mins[p] lane r = row 8h + r's (min of sub-block 2p, min of 2p + 1) */
            for (int p = 0; p < 4; p++)
                mins[p] = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(blk + 128 + 32 * p + 16 * h)));
            __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(blk + 256 + 16 * h)));
            __m256 dmin = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(blk + 288 + 16 * h)));
            for (int j = 0; j < TT; j++) {
                const int32_t *pairs = bs + 4 * ((int64_t)j * nb + b);
                __m256i M = _mm256_madd_epi16(mins[0], _mm256_set1_epi32(pairs[0]));
                for (int p = 1; p < 4; p++)
                    M = _mm256_add_epi32(M, _mm256_madd_epi16(mins[p], _mm256_set1_epi32(pairs[p])));
                __m256 dy = _mm256_set1_ps(((const block_q8_K *)(xa + (size_t)j * arow) + b)->d);
                acc[h][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(S[j]), _mm256_mul_ps(d, dy), acc[h][j]);
                acc[h][j] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(M), _mm256_mul_ps(dmin, dy), acc[h][j]);
            }
        }
    }
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) _mm256_storeu_ps(out + (int64_t)j * rows + 8 * h, acc[h][j]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens, as llmk_matmul_q45k_x16_avx512 (the same
 * token blocks and tile order), in groups of 4 tokens. */
int llmk_matmul_q45k_x16_avx2(int five, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                              float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK_K != 0) return -1;
    int64_t nb = cols / QK_K;
    size_t arow = (size_t)nb * sizeof(block_q8_K), tile_bytes = (size_t)nb * CHUNK(five);
    int32_t *bs = llmk_scratch(LLMK_SCRATCH_K_ACT, (size_t)16 * ntok * nb);
    if (!bs) return -2;
    llmk_x16_prepare_bsums((const char *)xa, arow, ntok, nb, bs);
#define TT_ONE(n, r, t)                                                                                                \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * tile_bytes;                                  \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const int32_t *a = bs + 4 * (int64_t)(t) * nb;                                                                 \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (five) tile_tokens(1, n, tile, nb, x, arow, a, o, rows);                                                    \
        else tile_tokens(0, n, tile, nb, x, arow, a, o, rows);                                                         \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, GROUP, TT_ONE);
#undef TT_ONE
    return 0;
}
