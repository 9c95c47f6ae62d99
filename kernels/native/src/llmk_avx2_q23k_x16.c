/* Q2_K and Q3_K packed once at load, on AVX2 (+ FMA, F16C): the AVX-512 VNNI kernel's layout and arithmetic
 * (llmk_avx512_q23k_x16.c, which describes the packed bytes), so the two give the same bits, and those of the file
 * layout: per output (row r x token t) and super-block the exact integers S (and M for Q2_K), then
 * acc = fma(S, d dy, acc) (and acc = fma(-M, dmin dy, acc)).
 *
 * A 16-row tile is two halves of 8 rows, one 256-bit register each (bytes 32h .. 32h + 31 of every 64-byte vector of
 * the layout). A sub-block j (16 elements) is four vpmaddubsw (u8 level x s8 activation, adjacent pairs summed to
 * i16) added as i16 pairs, then one vpmaddwd by the row's scale in both words of its dword: scale x T_j, exact in
 * i32. Q3_K's -4 bsums[j] enters as the start value of the pair's low word, so the pair sums to
 * T_j = sum (q - 4) q8. Neither can saturate: a word is at most 4 x 2 x 7 x 128 = 7168 in magnitude, plus 8192 for
 * Q3_K's start value. Q2_K's M is eight vpmaddwd of the rows' min pairs by the token's bsums pairs. A sub-block's
 * levels are split once per group of up to 4 tokens and stay in registers across them. */
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
#define GROUP 4 /* tokens per pass over a sub-block's levels */

/* TT (<= GROUP) tokens over one packed tile of nb super-blocks: out[j][0 .. 15] (row stride `rows` floats) for tokens
 * j < TT, whose Q8_K rows start at xa + j arow and (Q3_K) whose T start values start at off + 16 nb j.
 * THREE: Q3_K, else Q2_K. */
INLINE void tile_tokens(int THREE, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const int32_t *off, float *out, int64_t rows) {
    const __m256i m3 = _mm256_set1_epi8(3), bit2 = _mm256_set1_epi8(4), m4w = _mm256_set1_epi32(0x0F);
    const size_t chunk = CHUNK(THREE);
    __m256 acc[2][GROUP];
    for (int h8 = 0; h8 < 2; h8++)
        for (int t = 0; t < TT; t++) acc[h8][t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = tile + (size_t)b * chunk;
        for (size_t l = 0; l < chunk; l += 64)
            _mm_prefetch((const char *)blk + PREFETCH_CHUNKS * chunk + l, _MM_HINT_T0);
        for (int h8 = 0; h8 < 2; h8++) {
            const uint8_t *qs = blk + (THREE ? Q3_QS : Q2_QS) + 32 * h8;
            __m256i S[GROUP]; /* i32, lane r: row 8 h8 + r's S of this super-block */
            for (int t = 0; t < TT; t++) S[t] = _mm256_setzero_si256();
            for (int j = 0; j < 16; j++) {
                const int k = j / 8, s = (j % 8) / 2, h = j & 1;
                __m256i v[4]; /* u8: v[m] lane r = row 8 h8 + r's elements 4m .. 4m + 3 of sub-block j */
                for (int m = 0; m < 4; m++) {
                    __m256i u = _mm256_loadu_si256((const __m256i *)(qs + 64 * (8 * k + 4 * h + m)));
                    v[m] = _mm256_and_si256(_mm256_srli_epi16(u, 2 * s), m3);
                    if (THREE) { /* bit 4k + s of hmask moved to bit 2, or-ed in */
                        __m256i hm = _mm256_loadu_si256((const __m256i *)(blk + Q3_HMASK + 64 * (4 * h + m) + 32 * h8));
                        int bit = 4 * k + s;
                        hm = bit >= 2 ? _mm256_srli_epi16(hm, bit - 2) : _mm256_slli_epi16(hm, 2 - bit);
                        v[m] = _mm256_or_si256(v[m], _mm256_and_si256(hm, bit2));
                    }
                }
                __m256i scale; /* i32, lane r: row 8 h8 + r's scale of sub-block j, in both words */
                if (THREE) {
                    scale = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(blk + 16 * j + 8 * h8)));
                } else {
                    __m128i bytes = _mm_loadu_si128((const __m128i *)(blk + 32 * (j / 2) + 16 * h8));
                    __m256i pair = _mm256_cvtepu8_epi16(bytes);
                    scale = _mm256_and_si256(h ? _mm256_srli_epi32(pair, 16) : pair, m4w);
                }
                scale = _mm256_or_si256(_mm256_and_si256(scale, _mm256_set1_epi32(0xFFFF)),
                                        _mm256_slli_epi32(scale, 16));
                for (int t = 0; t < TT; t++) {
                    const int8_t *y = ((const block_q8_K *)(xa + (size_t)t * arow) + b)->qs + 16 * j;
                    __m256i p = _mm256_setzero_si256();
                    if (THREE) /* the start value in the low word of each row's pair, 0 in the high word */
                        p = _mm256_set1_epi32((int32_t)((uint32_t)off[16 * ((int64_t)t * nb + b) + j] & 0xFFFF));
                    for (int m = 0; m < 4; m++) {
                        int32_t four;
                        memcpy(&four, y + 4 * m, 4);
                        p = _mm256_add_epi16(p, _mm256_maddubs_epi16(v[m], _mm256_set1_epi32(four)));
                    }
                    S[t] = _mm256_add_epi32(S[t], _mm256_madd_epi16(p, scale));
                }
            }
            __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(blk + 256 + 16 * h8)));
            if (THREE) {
                for (int t = 0; t < TT; t++) {
                    __m256 dy = _mm256_set1_ps(((const block_q8_K *)(xa + (size_t)t * arow) + b)->d);
                    acc[h8][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(S[t]), _mm256_mul_ps(d, dy), acc[h8][t]);
                }
            } else {
                __m256 dmin = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(blk + 288 + 16 * h8)));
                for (int t = 0; t < TT; t++) {
                    const block_q8_K *y = (const block_q8_K *)(xa + (size_t)t * arow) + b;
                    __m256i M = _mm256_setzero_si256();
                    /* row pairs (min of 2p, min of 2p + 1) x (bsums[2p], bsums[2p + 1]) */
                    for (int p = 0; p < 8; p++) {
                        __m256i mins = _mm256_srli_epi16(
                            _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(blk + 32 * p + 16 * h8))), 4);
                        int32_t pair;
                        memcpy(&pair, y->bsums + 2 * p, 4);
                        M = _mm256_add_epi32(M, _mm256_madd_epi16(mins, _mm256_set1_epi32(pair)));
                    }
                    __m256 dy = _mm256_set1_ps(y->d);
                    acc[h8][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(S[t]), _mm256_mul_ps(d, dy), acc[h8][t]);
                    acc[h8][t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(M), _mm256_mul_ps(dmin, dy), acc[h8][t]);
                }
            }
        }
    }
    for (int h8 = 0; h8 < 2; h8++)
        for (int t = 0; t < TT; t++) _mm256_storeu_ps(out + (int64_t)t * rows + 8 * h8, acc[h8][t]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens, as llmk_matmul_q23k_x16_avx512 (the same
 * token blocks and tile order), in groups of 4 tokens. */
int llmk_matmul_q23k_x16_avx2(int three, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
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
#define TT_ONE(n, r, t)                                                                                                \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * tile_bytes;                                  \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const int32_t *o3 = three ? off + 16 * (int64_t)(t) * nb : NULL;                                               \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (three) tile_tokens(1, n, tile, nb, x, arow, o3, o, rows);                                                  \
        else tile_tokens(0, n, tile, nb, x, arow, o3, o, rows);                                                        \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, GROUP, TT_ONE);
#undef TT_ONE
    return 0;
}
