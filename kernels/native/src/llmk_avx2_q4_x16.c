/* Q4_0, IQ4_NL, Q5_0 and Q8_0 packed once at load, on AVX2 (+ FMA, F16C): the AVX-512 VNNI kernel's layouts and
 * arithmetic (llmk_avx512_q4_x16.c, which describes the packed bytes), so the two give the same bits: per output
 * (row r x token t), acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc). For Q4_0 that
 * is also the AVX2 file-layout kernel's order (llmk_avx2_matmul.c); IQ4_NL packed takes llama.cpp's repacked
 * iq4_nl_8x8 order, as it does on AVX-512; Q5_0 and Q8_0 take the same repacked order (per block the exact sum, then
 * one fma), not the file layouts' 8-lane one.
 *
 * A 16-row tile is two halves of 8 rows, one 256-bit register each (bytes 32h .. 32h + 31 of every 64-byte vector of
 * the layout). Without vpdpbusd, a block's 32 products per row come from vpmaddubsw (u8 weight x s8 activation,
 * adjacent pairs summed to i16) on each group of 4 elements, the 8 groups summed as i16 pairs (at most
 * 8 x 2 x 15 x 128 = 30720: no saturation), then vpmaddwd by ones to i32, plus the block's -bias sum(y).
 * The other kinds' unsigned values would saturate vpmaddubsw (IQ4_NL's level + 128 is 1 .. 241, Q8_0's w + 128 is
 * 0 .. 255; Q5_0's 0 .. 31 would overflow the i16 sum of 8 groups), so each value u is split as u = 16 hi + lo with
 * hi and lo within Q4_0's bound: isum = 16 sum(hi y) + sum(lo y) - bias sum(y), exact. IQ4_NL: two vpshufb tables on
 * the nibble; Q5_0: lo the nibble, hi the fifth bit (a byte mask of the layout expanded to 0 / 1); Q8_0: the two
 * nibbles of the stored byte.
 *
 * From MANY_TOKENS tokens on, each 16-row tile is first unpacked to one byte per value (lo, and hi for the split
 * kinds) in a per-thread scratch (llmk_avx2_matmul.c's quad layout), then multiplied with the tokens (one activation
 * broadcast feeds both halves, the weights come from L1 as operands; see many_tokens): with 16 ymm registers,
 * holding a block's values in registers across tokens spills. Same integers, same float steps, so the same bits as a token
 * alone. JMH MatmulBenchmark (2048 x 8192, 2 threads, 64 tokens, Zen 3 EPYC): 10.8 ms with the register-held values,
 * 6.5 ms for the file-layout kernel that re-lays per call. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define PREFETCH_BYTES (48 * 256) /* how far ahead in a tile's quants the one-token path prefetches into L2 */
#define GROUP 4 /* tokens per pass over a block's values */
#define MANY_TOKENS 8
#define SPLIT(KIND) ((KIND) != LLMK_X16_Q4_0) /* values taken as 16 hi + lo */

/* IQ4_NL's levels + 128 (1 .. 241), split: high nibbles, low nibbles; in both 128-bit lanes for vpshufb. */
#define IQ4NL_HI 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 13, 15
#define IQ4NL_LO 1, 8, 13, 15, 15, 13, 10, 6, 1, 13, 9, 6, 5, 5, 9, 1

/* Bytes of a block's quants in a tile (the qs region's stride per block). */
#define QS_BYTES(KIND) ((KIND) == LLMK_X16_Q8_0 ? 512 : 256)

/* Vector c (0 .. 7) of half h (rows 8h .. 8h + 7) of block b of a tile: *lo lane r = elements 4c .. 4c + 3 of row
 * 8h + r (Q4_0: the values 0 .. 15; the split kinds: the low parts), *hi the high parts of the split kinds. */
INLINE void vec_values(int KIND, const uint8_t *tile, int64_t nb, int64_t b, int h, int c, __m256i *lo, __m256i *hi) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    if (KIND == LLMK_X16_Q8_0) { /* vector c at 64 c holds elements 4c .. 4c + 3 of each row, + 128 */
        __m256i u = _mm256_loadu_si256((const __m256i *)(tile + (size_t)b * 512 + 64 * c + 32 * h));
        *lo = _mm256_and_si256(u, m4);
        *hi = _mm256_and_si256(_mm256_srli_epi16(u, 4), m4);
        return;
    }
    /* the nibble kinds: vector c & 3, low nibbles for c < 4 (elements 4c ..), high ones for c >= 4 (16 + 4(c - 4) ..) */
    __m256i u = _mm256_loadu_si256((const __m256i *)(tile + (size_t)b * 256 + 64 * (c & 3) + 32 * h));
    __m256i n = _mm256_and_si256(c < 4 ? u : _mm256_srli_epi16(u, 4), m4);
    if (KIND == LLMK_X16_IQ4_NL) {
        *hi = _mm256_shuffle_epi8(_mm256_setr_epi8(IQ4NL_HI, IQ4NL_HI), n);
        *lo = _mm256_shuffle_epi8(_mm256_setr_epi8(IQ4NL_LO, IQ4NL_LO), n);
        return;
    }
    *lo = n;
    if (KIND == LLMK_X16_Q5_0) { /* mask c of block b, bits 32h .. 32h + 31 (rows 8h ..): byte k = bit k, as 0 / 1 */
        uint32_t m;
        memcpy(&m, tile + (size_t)nb * 256 + 64 * b + 8 * c + 4 * h, 4);
        const __m256i sel = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3,
                                             3, 3, 3, 3, 3, 3, 3);
        const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
        __m256i x = _mm256_and_si256(_mm256_shuffle_epi8(_mm256_set1_epi32((int)m), sel), bit);
        *hi = _mm256_min_epu8(x, _mm256_set1_epi8(1));
    }
}

/* Q8_0 below MANY_TOKENS: the activations split instead of the weights, so the stored bytes w + 128 enter
 * vpmaddubsw as they are: y = 16 yh + yl with yh = y >> 4 (-8 .. 7) and yl = y & 15 (0 .. 15), and
 * sum((w + 128) y) = 16 sum(u yh) + sum(u yl) (u = w + 128 <= 255): a pair is at most 2 x 255 x 8 = 4080 for yh
 * (8 groups: 32640, within i16) and 2 x 255 x 15 = 7650 for yl (summed to i32 every 4 groups). ys[64 (t nb + b)]:
 * token t's block b, its 32 yh then its 32 yl. */
static void split_act(const char *xa, size_t arow, int ntok, int64_t nb, int8_t *ys) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), eight = _mm256_set1_epi8(8);
    for (int t = 0; t < ntok; t++)
        for (int64_t b = 0; b < nb; b++) {
            __m256i y = _mm256_loadu_si256((const __m256i *)((const block_q8_0 *)(xa + (size_t)t * arow) + b)->qs);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(y, 4), m4); /* y's high nibble, 0 .. 15 */
            int8_t *o = ys + 64 * ((int64_t)t * nb + b);
            _mm256_storeu_si256((__m256i *)o, _mm256_sub_epi8(_mm256_xor_si256(hi, eight), eight));
            _mm256_storeu_si256((__m256i *)(o + 32), _mm256_and_si256(y, m4));
        }
}

/* TT (<= GROUP) tokens over one packed tile: out[j][0 .. 15] (row stride `rows` floats) for tokens j < TT; act's
 * corrections are -LLMK_X16_BIAS(KIND) sum(y); ys: Q8_0's split activations of these tokens (split_act). */
INLINE void tile_tokens(int KIND, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const float *act, const int8_t *ys, float *out, int64_t rows) {
    const __m256i ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * LLMK_X16_SCALES_AT(KIND));
    __m256 acc[2][GROUP];
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) acc[h][j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = tile + (size_t)b * QS_BYTES(KIND);
        for (int l = 0; l < QS_BYTES(KIND); l += 64) _mm_prefetch((const char *)q + PREFETCH_BYTES + l, _MM_HINT_T1);
        if ((b & 1) == 0) _mm_prefetch((const char *)(d + (b + 96) * TILE), _MM_HINT_T1);
        if (KIND == LLMK_X16_Q5_0) _mm_prefetch((const char *)tile + (size_t)nb * 256 + 64 * (b + 48), _MM_HINT_T1);
        for (int h = 0; h < 2; h++) {
            __m256i p[GROUP], ph[GROUP];
            for (int j = 0; j < TT; j++) p[j] = ph[j] = _mm256_setzero_si256();
            if (KIND == LLMK_X16_Q8_0) { /* p: the yl sums, ph: the yh sums, sl: the yl sums of groups 0 .. 3 */
                __m256i sl[GROUP];
                for (int c = 0; c < 8; c++) {
                    __m256i u = _mm256_loadu_si256((const __m256i *)(q + 64 * c + 32 * h));
                    for (int j = 0; j < TT; j++) {
                        const int8_t *y = ys + 64 * ((int64_t)j * nb + b) + 4 * c;
                        int32_t yh, yl;
                        memcpy(&yh, y, 4);
                        memcpy(&yl, y + 32, 4);
                        ph[j] = _mm256_add_epi16(ph[j], _mm256_maddubs_epi16(u, _mm256_set1_epi32(yh)));
                        p[j] = _mm256_add_epi16(p[j], _mm256_maddubs_epi16(u, _mm256_set1_epi32(yl)));
                        if (c == 3) {
                            sl[j] = _mm256_madd_epi16(p[j], ones);
                            p[j] = _mm256_setzero_si256();
                        }
                    }
                }
                for (int j = 0; j < TT; j++) p[j] = _mm256_add_epi32(sl[j], _mm256_madd_epi16(p[j], ones));
            } else {
                const int8_t *yq[GROUP];
                for (int j = 0; j < TT; j++) yq[j] = ((const block_q8_0 *)(xa + (size_t)j * arow) + b)->qs;
                for (int c = 0; c < 8; c++) {
                    __m256i lo, hi = _mm256_setzero_si256();
                    vec_values(KIND, tile, nb, b, h, c, &lo, &hi);
                    for (int j = 0; j < TT; j++) {
                        int32_t four;
                        memcpy(&four, yq[j] + 4 * c, 4);
                        __m256i y4 = _mm256_set1_epi32(four);
                        p[j] = _mm256_add_epi16(p[j], _mm256_maddubs_epi16(lo, y4));
                        if (SPLIT(KIND)) ph[j] = _mm256_add_epi16(ph[j], _mm256_maddubs_epi16(hi, y4));
                    }
                }
                for (int j = 0; j < TT; j++) p[j] = _mm256_madd_epi16(p[j], ones);
            }
            __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(d + b * TILE + 8 * h)));
            for (int j = 0; j < TT; j++) {
                const float *a = act + 2 * (j * nb + b);
                __m256i s = _mm256_add_epi32(p[j], _mm256_set1_epi32(((const int32_t *)a)[1]));
                if (SPLIT(KIND)) s = _mm256_add_epi32(s, _mm256_madd_epi16(ph[j], sixteen));
                acc[h][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dx, _mm256_set1_ps(a[0])), acc[h][j]);
            }
        }
    }
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < TT; j++) _mm256_storeu_ps(out + (int64_t)j * rows + 8 * h, acc[h][j]);
}

/* One tile's nb blocks as bytes: quad[(2b + h) 8 + c] lane r = the values (split kinds: the low parts) of elements
 * 4c .. 4c + 3 of row 8h + r's block b, and for the split kinds quad[16 nb + (2b + h) 8 + c] the high parts;
 * dx[(2b + h) 8 + r] its scale. */
INLINE void unpack_tile(int KIND, const uint8_t *tile, int64_t nb, __m256i *quad, float *dx) {
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * LLMK_X16_SCALES_AT(KIND));
    for (int64_t b = 0; b < nb; b++) {
        for (int h = 0; h < 2; h++) {
            __m256i *o = quad + (2 * b + h) * 8;
            for (int c = 0; c < 8; c++) {
                __m256i lo, hi = _mm256_setzero_si256();
                vec_values(KIND, tile, nb, b, h, c, &lo, &hi);
                _mm256_store_si256(o + c, lo);
                if (SPLIT(KIND)) _mm256_store_si256(o + 16 * nb + c, hi);
            }
            __m128i dh = _mm_loadu_si128((const __m128i *)(d + b * TILE + 8 * h));
            _mm256_store_ps(dx + (2 * b + h) * 8, _mm256_cvtph_ps(dh));
        }
    }
}

/* NT tokens over blocks [b0, b1) of an unpacked tile, continuing acc[h NT + t] (lane r: out[t][8h + r]); pf/pfb:
 * bytes of the next tile to prefetch per block (0: none). SP: the tile holds split values. */
INLINE void unpacked_tokens(int SP, int NT, int64_t nb, int64_t b0, int64_t b1, const __m256i *quad, const float *dx,
                            const char *x, size_t arow, const float *act, const char *pf, int pfb, __m256 *acc) {
    const __m256i ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
    for (int64_t b = b0; b < b1; b++) {
        for (int o = 0; o < pfb; o += 64) _mm_prefetch(pf + b * pfb + o, _MM_HINT_T1);
        __m256i p[4], ph[4];
        const int8_t *y[2];
        for (int t = 0; t < NT; t++) y[t] = ((const block_q8_0 *)(x + (size_t)t * arow) + b)->qs;
        const __m256i *q = quad + b * 16;
        for (int j = 0; j < 8; j++) {
            __m256i wq[2], wh[2];
            for (int h = 0; h < 2; h++) {
                wq[h] = _mm256_load_si256(q + h * 8 + j);
                if (SP) wh[h] = _mm256_load_si256(q + 16 * nb + h * 8 + j);
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
                    if (SP) {
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
                if (SP) s = _mm256_add_epi32(s, _mm256_madd_epi16(ph[h * NT + t], sixteen));
                acc[h * NT + t] =
                    _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_set1_ps(a[0])), acc[h * NT + t]);
            }
        }
    }
}

/* ntok >= MANY_TOKENS: each tile of [r0, r1) unpacked once, then every token against it (Q4_0 two at a time; the
 * split kinds one, as their high parts double the live sums: two tokens spill and ran about 18% slower). The split kinds
 * go CHUNK blocks at a time, so that the chunk's values stay in L1 across the tokens instead of streaming the whole
 * unpacked tile (256 KiB at 8192 columns) from L2 for each token: 8-10% faster for Q8_0 at 8192 columns, none at
 * 4096; Q4_0's half-size tile gained nothing and goes whole. The float sums carry over from chunk to chunk in out, so
 * each output's fma chain is unchanged. The next tile is prefetched into L2 over the first passes of each chunk. */
#define CHUNK 16
static int many_tokens(int kind, const uint8_t *w, int64_t nb, const char *xa, size_t arow, const float *act, int ntok,
                       float *out, int64_t rows, int64_t r0, int64_t r1) {
    const int sp = SPLIT(kind);
    size_t tile_block = LLMK_X16_BLOCK_BYTES(kind), tile_bytes = (size_t)nb * tile_block;
    __m256i *quad = llmk_scratch(LLMK_SCRATCH_Q4_TILE, (size_t)nb * (sp ? 1024 : 512) + (size_t)nb * 64);
    if (!quad) return -2;
    float *dx = (float *)(quad + (size_t)nb * (sp ? 32 : 16));
    const int step = sp ? 1 : 2;
    const int64_t chunk = sp ? CHUNK : nb;
    for (int64_t r = r0; r < r1; r += TILE) {
        const uint8_t *tile = w + (size_t)(r / TILE) * tile_bytes;
        switch (kind) {
        case LLMK_X16_IQ4_NL: unpack_tile(LLMK_X16_IQ4_NL, tile, nb, quad, dx); break;
        case LLMK_X16_Q5_0: unpack_tile(LLMK_X16_Q5_0, tile, nb, quad, dx); break;
        case LLMK_X16_Q8_0: unpack_tile(LLMK_X16_Q8_0, tile, nb, quad, dx); break;
        default: unpack_tile(LLMK_X16_Q4_0, tile, nb, quad, dx); break;
        }
        int passes = (ntok + step - 1) / step, npf = passes < 4 ? passes : 4;
        for (int64_t b0 = 0; b0 < nb; b0 += chunk) {
            int64_t b1 = nb - b0 < chunk ? nb : b0 + chunk;
            for (int t0 = 0; t0 < ntok; t0 += step) {
                int pass = t0 / step, pfb = pass < npf && r + TILE < r1 ? (int)tile_block / npf : 0;
                const char *pf = (const char *)tile + tile_bytes + (size_t)pass * pfb * nb;
                const char *x = xa + (size_t)t0 * arow;
                const float *a = act + (size_t)2 * t0 * nb;
                int nt = ntok - t0 < step ? 1 : step;
                __m256 acc[4];
                for (int h = 0; h < 2; h++)
                    for (int t = 0; t < nt; t++)
                        acc[h * nt + t] =
                            b0 ? _mm256_loadu_ps(out + (int64_t)(t0 + t) * rows + r + 8 * h) : _mm256_setzero_ps();
                if (sp) unpacked_tokens(1, 1, nb, b0, b1, quad, dx, x, arow, a, pf, pfb, acc);
                else if (nt == 2) unpacked_tokens(0, 2, nb, b0, b1, quad, dx, x, arow, a, pf, pfb, acc);
                else unpacked_tokens(0, 1, nb, b0, b1, quad, dx, x, arow, a, pf, pfb, acc);
                for (int h = 0; h < 2; h++)
                    for (int t = 0; t < nt; t++)
                        _mm256_storeu_ps(out + (int64_t)(t0 + t) * rows + r + 8 * h, acc[h * nt + t]);
            }
        }
    }
    return 0;
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix (kind: LLMK_X16_Q4_0, _IQ4_NL, _Q5_0 or _Q8_0) times ntok
 * tokens, as llmk_matmul_q4_x16_avx512 (the same token blocks and tile order), in groups of 4 tokens. */
int llmk_matmul_q4_x16_avx2(int kind, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                            float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK4_0 != 0) return -1;
    if (kind != LLMK_X16_Q4_0 && kind != LLMK_X16_IQ4_NL && kind != LLMK_X16_Q5_0 && kind != LLMK_X16_Q8_0) return -1;
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    float *act = llmk_scratch(LLMK_SCRATCH_Q4_ACT, (size_t)2 * ntok * nb * sizeof(float));
    if (!act) return -2;
    llmk_q4_prepare_act((const char *)xa, arow, ntok, nb, LLMK_X16_BIAS(kind), act);
    if (ntok >= MANY_TOKENS)
        return many_tokens(kind, (const uint8_t *)w, nb, (const char *)xa, arow, act, ntok, out, rows, r0, r1);
    int8_t *ys = NULL; /* the tile scratch is free below MANY_TOKENS */
    if (kind == LLMK_X16_Q8_0) {
        if (!(ys = llmk_scratch(LLMK_SCRATCH_Q4_TILE, (size_t)64 * ntok * nb))) return -2;
        split_act((const char *)xa, arow, ntok, nb, ys);
    }
    size_t tile_block = LLMK_X16_BLOCK_BYTES(kind);
#define TT_ONE(n, r, t)                                                                                                \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * nb * tile_block;                             \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const float *a = act + (size_t)2 * (t) * nb;                                                                   \
        const int8_t *y = ys ? ys + (size_t)64 * (t) * nb : NULL;                                                    \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (kind == LLMK_X16_IQ4_NL) tile_tokens(LLMK_X16_IQ4_NL, n, tile, nb, x, arow, a, y, o, rows);                \
        else if (kind == LLMK_X16_Q5_0) tile_tokens(LLMK_X16_Q5_0, n, tile, nb, x, arow, a, y, o, rows);               \
        else if (kind == LLMK_X16_Q8_0) tile_tokens(LLMK_X16_Q8_0, n, tile, nb, x, arow, a, y, o, rows);               \
        else tile_tokens(LLMK_X16_Q4_0, n, tile, nb, x, arow, a, y, o, rows);                                          \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, GROUP, TT_ONE);
#undef TT_ONE
    return 0;
}
