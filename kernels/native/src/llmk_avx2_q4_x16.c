/* Q4_0 and IQ4_NL packed once at load, on AVX2 (+ FMA, F16C): the AVX-512 VNNI kernel's layout and arithmetic
 * (llmk_avx512_q4_x16.c, which describes the packed bytes), so the two give the same bits: per output (row r x
 * token t), acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc). For Q4_0 that is also
 * the AVX2 file-layout kernel's order (llmk_avx2_matmul.c); IQ4_NL packed takes llama.cpp's repacked iq4_nl_8x8
 * order, as it does on AVX-512.
 *
 * A 16-row tile is two halves of 8 rows, one 256-bit register each (bytes 32h .. 32h + 31 of every 64-byte vector of
 * the layout). Without vpdpbusd, a block's 32 products per row come from vpmaddubsw (u8 weight x s8 activation,
 * adjacent pairs summed to i16) on each group of 4 elements, the 8 groups summed as i16 pairs (at most
 * 8 x 2 x 15 x 128 = 30720: no saturation), then vpmaddwd by ones to i32, plus the block's -8 sum(y).
 * IQ4_NL's unsigned levels (level + 128, 1 .. 241) would saturate vpmaddubsw, so each is split into its high and low
 * nibble (two vpshufb tables): isum = 16 sum(hi y) + sum(lo y) - 128 sum(y), each sum within Q4_0's bound.
 *
 * From MANY_TOKENS tokens on, each 16-row tile is first unpacked to one byte per value in a per-thread scratch
 * (llmk_avx2_matmul.c's quad layout), then multiplied with two tokens at a time (one activation broadcast feeds both
 * halves, the weights come from L1 as operands): with 16 ymm registers, holding a block's values in registers across
 * tokens spills. Same integers, same float steps, so the same bits as a token alone. JMH MatmulBenchmark (2048 x
 * 8192, 2 threads, 64 tokens, Zen 3 EPYC): 10.8 ms with the register-held values, 6.5 ms for the file-layout kernel
 * that re-lays per call. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define TILE_BLOCK_BYTES (TILE * sizeof(block_q4_0)) /* 288 */
#define PREFETCH_BLOCKS 48
#define GROUP 4 /* tokens per pass over a block's values */
#define MANY_TOKENS 8

/* IQ4_NL's levels + 128 (1 .. 241), split: high nibbles, low nibbles; in both 128-bit lanes for vpshufb. */
#define IQ4NL_HI 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 13, 15
#define IQ4NL_LO 1, 8, 13, 15, 15, 13, 10, 6, 1, 13, 9, 6, 5, 5, 9, 1

/* TT (<= GROUP) tokens over one packed tile: out[j][0 .. 15] (row stride `rows` floats) for tokens j < TT. IQ:
 * IQ4_NL blocks (act's corrections are -128 sum(y)), else Q4_0 (-8 sum(y)). */
INLINE void tile_tokens(int IQ, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow, const float *act,
                        float *out, int64_t rows) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
    const __m256i lut_hi = _mm256_setr_epi8(IQ4NL_HI, IQ4NL_HI), lut_lo = _mm256_setr_epi8(IQ4NL_LO, IQ4NL_LO);
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * 256);
    __m256 acc[2][GROUP];
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) acc[h][j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = tile + (size_t)b * 256;
        for (int c = 0; c < 4; c++) _mm_prefetch((const char *)q + PREFETCH_BLOCKS * 256 + 64 * c, _MM_HINT_T1);
        if ((b & 1) == 0) _mm_prefetch((const char *)(d + (b + 2 * PREFETCH_BLOCKS) * TILE), _MM_HINT_T1);
        for (int h = 0; h < 2; h++) {
            __m256i v[8], hi[8]; /* u8: v[c] lane r = elements 4c .. 4c + 3 of row 8h + r's block (IQ: low nibbles
                                  * of the level + 128, hi[c] the high ones) */
            for (int c = 0; c < 4; c++) {
                __m256i u = _mm256_loadu_si256((const __m256i *)(q + 64 * c + 32 * h));
                v[c] = _mm256_and_si256(u, m4);
                v[c + 4] = _mm256_and_si256(_mm256_srli_epi16(u, 4), m4);
            }
            if (IQ)
                for (int c = 0; c < 8; c++) {
                    hi[c] = _mm256_shuffle_epi8(lut_hi, v[c]);
                    v[c] = _mm256_shuffle_epi8(lut_lo, v[c]);
                }
            __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(d + b * TILE + 8 * h)));
            for (int j = 0; j < TT; j++) {
                const int8_t *yq = ((const block_q8_0 *)(xa + (size_t)j * arow) + b)->qs;
                const float *a = act + 2 * (j * nb + b);
                __m256i p = _mm256_setzero_si256(), ph = _mm256_setzero_si256();
                for (int c = 0; c < 8; c++) {
                    int32_t four;
                    memcpy(&four, yq + 4 * c, 4);
                    __m256i y4 = _mm256_set1_epi32(four);
                    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(v[c], y4));
                    if (IQ) ph = _mm256_add_epi16(ph, _mm256_maddubs_epi16(hi[c], y4));
                }
                __m256i s = _mm256_add_epi32(_mm256_madd_epi16(p, ones), _mm256_set1_epi32(((const int32_t *)a)[1]));
                if (IQ) s = _mm256_add_epi32(s, _mm256_madd_epi16(ph, sixteen));
                acc[h][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dx, _mm256_set1_ps(a[0])), acc[h][j]);
            }
        }
    }
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) _mm256_storeu_ps(out + (int64_t)j * rows + 8 * h, acc[h][j]);
}

/* One tile's nb blocks as bytes: quad[(2b + h) 8 + j] lane r = elements 4j .. 4j + 3 of row 8h + r's block b (Q4_0:
 * the nibbles; IQ: the low nibbles of level + 128, and quad[16 nb + (2b + h) 8 + j] the high ones); dx[(2b + h) 8 +
 * r] its scale. */
INLINE void unpack_tile(int IQ, const uint8_t *tile, int64_t nb, __m256i *quad, float *dx) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i lut_hi = _mm256_setr_epi8(IQ4NL_HI, IQ4NL_HI), lut_lo = _mm256_setr_epi8(IQ4NL_LO, IQ4NL_LO);
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * 256);
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = tile + (size_t)b * 256;
        for (int h = 0; h < 2; h++) {
            __m256i *o = quad + (2 * b + h) * 8;
            for (int c = 0; c < 4; c++) {
                __m256i u = _mm256_loadu_si256((const __m256i *)(q + 64 * c + 32 * h));
                __m256i lo = _mm256_and_si256(u, m4), hi = _mm256_and_si256(_mm256_srli_epi16(u, 4), m4);
                if (IQ) {
                    _mm256_store_si256(o + 16 * nb + c, _mm256_shuffle_epi8(lut_hi, lo));
                    _mm256_store_si256(o + 16 * nb + c + 4, _mm256_shuffle_epi8(lut_hi, hi));
                    lo = _mm256_shuffle_epi8(lut_lo, lo);
                    hi = _mm256_shuffle_epi8(lut_lo, hi);
                }
                _mm256_store_si256(o + c, lo);
                _mm256_store_si256(o + c + 4, hi);
            }
            __m128i dh = _mm_loadu_si128((const __m128i *)(d + b * TILE + 8 * h));
            _mm256_store_ps(dx + (2 * b + h) * 8, _mm256_cvtph_ps(dh));
        }
    }
}

/* NT tokens over an unpacked tile: acc[h NT + t] lane r = out[t][8h + r]; pf/pfb: bytes of the next tile to prefetch
 * per block (0: none). */
INLINE void unpacked_tokens(int IQ, int NT, int64_t nb, const __m256i *quad, const float *dx, const char *x,
                            size_t arow, const float *act, const char *pf, int pfb, __m256 *acc) {
    const __m256i ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
    for (int i = 0; i < 2 * NT; i++) acc[i] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        for (int o = 0; o < pfb; o += 64) _mm_prefetch(pf + b * pfb + o, _MM_HINT_T1);
        __m256i p[4], ph[4];
        const int8_t *y[2];
        for (int t = 0; t < NT; t++) y[t] = ((const block_q8_0 *)(x + (size_t)t * arow) + b)->qs;
        const __m256i *q = quad + b * 16;
        for (int j = 0; j < 8; j++) {
            __m256i wq[2], wh[2];
            for (int h = 0; h < 2; h++) {
                wq[h] = _mm256_load_si256(q + h * 8 + j);
                if (IQ) wh[h] = _mm256_load_si256(q + 16 * nb + h * 8 + j);
            }
            for (int t = 0; t < NT; t++) {
                int32_t four;
                memcpy(&four, y[t] + 4 * j, 4);
                __m256i yb = _mm256_set1_epi32(four);
                for (int h = 0; h < 2; h++) {
                    __m256i m = _mm256_maddubs_epi16(wq[h], yb);
                    p[h * NT + t] = j ? _mm256_add_epi16(p[h * NT + t], m) : m;
                    /* keeps p a register chain: unbarriered, gcc hoists all the maddubs and spills */
                    __asm__("" : "+x"(p[h * NT + t]));
                    if (IQ) {
                        __m256i mh = _mm256_maddubs_epi16(wh[h], yb);
                        ph[h * NT + t] = j ? _mm256_add_epi16(ph[h * NT + t], mh) : mh;
                        __asm__("" : "+x"(ph[h * NT + t]));
                    }
                }
            }
        }
        for (int h = 0; h < 2; h++) {
            __m256 d = _mm256_load_ps(dx + (2 * b + h) * 8);
            for (int t = 0; t < NT; t++) {
                const float *a = act + 2 * (t * nb + b);
                __m256i s = _mm256_add_epi32(_mm256_madd_epi16(p[h * NT + t], ones),
                                             _mm256_set1_epi32(((const int32_t *)a)[1]));
                if (IQ) s = _mm256_add_epi32(s, _mm256_madd_epi16(ph[h * NT + t], sixteen));
                acc[h * NT + t] =
                    _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_set1_ps(a[0])), acc[h * NT + t]);
            }
        }
    }
}

/* ntok >= MANY_TOKENS: each tile of [r0, r1) unpacked once, then every token against it (Q4_0 two at a time, IQ4_NL
 * one: its high nibbles double the live sums); the next tile is prefetched into L2 over the first passes. */
static int many_tokens(int IQ, const uint8_t *w, int64_t nb, const char *xa, size_t arow, const float *act, int ntok,
                       float *out, int64_t rows, int64_t r0, int64_t r1) {
    size_t tile_bytes = (size_t)nb * TILE_BLOCK_BYTES;
    __m256i *quad = llmk_scratch(LLMK_SCRATCH_Q4_TILE, (size_t)nb * (IQ ? 1024 : 512) + (size_t)nb * 64);
    if (!quad) return -2;
    float *dx = (float *)(quad + (size_t)nb * (IQ ? 32 : 16));
    const int step = IQ ? 1 : 2;
    for (int64_t r = r0; r < r1; r += TILE) {
        const uint8_t *tile = w + (size_t)(r / TILE) * tile_bytes;
        if (IQ) unpack_tile(1, tile, nb, quad, dx);
        else unpack_tile(0, tile, nb, quad, dx);
        int passes = (ntok + step - 1) / step, npf = passes < 4 ? passes : 4;
        for (int t0 = 0; t0 < ntok; t0 += step) {
            int pass = t0 / step, pfb = pass < npf && r + TILE < r1 ? TILE_BLOCK_BYTES / npf : 0;
            const char *pf = (const char *)tile + tile_bytes + (size_t)pass * pfb * nb;
            const char *x = xa + (size_t)t0 * arow;
            const float *a = act + (size_t)2 * t0 * nb;
            __m256 acc[4];
            int nt = ntok - t0 < step ? 1 : step;
            if (IQ) unpacked_tokens(1, 1, nb, quad, dx, x, arow, a, pf, pfb, acc);
            else if (nt == 2) unpacked_tokens(0, 2, nb, quad, dx, x, arow, a, pf, pfb, acc);
            else unpacked_tokens(0, 1, nb, quad, dx, x, arow, a, pf, pfb, acc);
            for (int h = 0; h < 2; h++)
                for (int t = 0; t < nt; t++)
                    _mm256_storeu_ps(out + (int64_t)(t0 + t) * rows + r + 8 * h, acc[h * nt + t]);
        }
    }
    return 0;
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens, as llmk_matmul_q4_x16_avx512 (the same
 * token blocks and tile order), in groups of 4 tokens. */
int llmk_matmul_q4_x16_avx2(int iq4nl, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                            float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK4_0 != 0) return -1;
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    float *act = llmk_scratch(LLMK_SCRATCH_Q4_ACT, (size_t)2 * ntok * nb * sizeof(float));
    if (!act) return -2;
    llmk_q4_prepare_act((const char *)xa, arow, ntok, nb, iq4nl ? 128 : 8, act);
    if (ntok >= MANY_TOKENS)
        return many_tokens(iq4nl, (const uint8_t *)w, nb, (const char *)xa, arow, act, ntok, out, rows, r0, r1);
#define TT_ONE(n, r, t)                                                                                                \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * nb * TILE_BLOCK_BYTES;                       \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const float *a = act + (size_t)2 * (t) * nb;                                                                   \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (iq4nl) tile_tokens(1, n, tile, nb, x, arow, a, o, rows);                                                   \
        else tile_tokens(0, n, tile, nb, x, arow, a, o, rows);                                                         \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, GROUP, TT_ONE);
#undef TT_ONE
    return 0;
}
