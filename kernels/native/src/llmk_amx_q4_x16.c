/* Q4_0, IQ4_NL and Q8_0 x16 packed weights times groups of tokens on Intel AMX (AMX-TILE + AMX-INT8): prompts and batches.
 * Compiled with -mamx-tile -mamx-int8 and the AVX-512 flags; run only when CPUID reports both AMX features and the
 * kernel granted this process the tile data state (LLMK_CPU_AMX_INT8 in llmk_cpu_features(), llmk_dispatch.c).
 *
 * Same arithmetic as the VNNI kernels (llmk_avx512_q4_x16.c), so every output is bit-identical to theirs: per output
 * (row r x token t), acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc). isum_b is an
 * exact int32 sum of 32 products whichever unit computes it: here one TDPBSSD of a token tile by a weight tile, with
 * the nibbles made signed as they are unpacked (Q4_0: q - 8; IQ4_NL: its level) instead of the VNNI kernel's
 * -bias * sum(y) correction.
 *
 * Tiles (palette 1), software-pipelined over blocks (tiles are not renamed, so consecutive blocks use different ones):
 *   A0, A1 (tmm0, tmm1): nt tokens x 32 bytes, block b's Q8_0 quants of each token, loaded in place from the
 *              activation rows (stride = one activation row); block b uses A(b & 1);
 *   B0, B1 (tmm2, tmm3): 8 rows x 64 bytes, block b of one 16-row weight tile in VNNI order (row k: bytes 4r .. 4r + 3
 *              are row r's elements 4k .. 4k + 3, signed) -- the packed layout's four vectors after the nibble split,
 *              low nibbles first (elements 0..15), then high (16..31), made signed; block b uses B(b & 1);
 *   C0 .. C3 (tmm4 .. tmm7): nt x 16 int32, isum of (token, row); block b's product goes to C(b & 3) and is stored,
 *              and the float scaling of block b - 3 reads its stored product meanwhile, in block order.
 * With more than 16 tokens a weight tile is unpacked once per token block into a scratch of 512 bytes per block
 * (L2-resident) and then read by every group of 16 tokens; with 16 or fewer (batched decode) each block is unpacked
 * into L1 three blocks ahead of its tile load (a tile load does not take data from pending stores: unpacked just
 * before, it waits for them; that alone cost 1.8x at 16 tokens). Single thread, 2048 x 8192 Q4_0 from L3 (this
 * machine, best of 15, QUANTA_KERNELS_AMX=off for VNNI): 8 tokens 507-515 us against VNNI's 632-637; 16 tokens
 * 733-757 us against 1,252; 128 tokens 5.4-5.6 ms against 10.3-10.4 ms. Below LLMK_AMX_MIN_TOKENS the VNNI kernel
 * is faster. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define TOKEN_BLOCK_BYTES (1536 * 1024)
#define UNPACK_AHEAD 3

typedef struct __attribute__((aligned(64))) {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

static __thread int tl_config_rows; /* token rows of the tile configuration this thread loaded; 0: none */

static void configure(int nt) {
    if (tl_config_rows == nt) return;
    tile_config c;
    memset(&c, 0, sizeof c);
    c.palette = 1;
    for (int i = 0; i < 2; i++) { c.rows[i] = (uint8_t)nt; c.colsb[i] = 32; }     /* A0, A1 */
    for (int i = 2; i < 4; i++) { c.rows[i] = 8; c.colsb[i] = 64; }               /* B0, B1 */
    for (int i = 4; i < 8; i++) { c.rows[i] = (uint8_t)nt; c.colsb[i] = 64; }     /* C0 .. C3 */
    _tile_loadconfig(&c);
    tl_config_rows = nt;
}

/* A nibble's signed value: Q4_0 nibble - 8; IQ4_NL llmk_kvalues_iq4nl[nibble], looked up with vpshufb; Q5_0
 * (nibble | fifth bit << 4) - 16, the bits from mask (bit 4r + i: row r's byte i). */
INLINE __m512i values(int KIND, __m512i nibbles, uint64_t mask) {
    if (KIND == LLMK_X16_IQ4_NL)
        return _mm512_shuffle_epi8(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)llmk_kvalues_iq4nl)),
                                   nibbles);
    if (KIND == LLMK_X16_Q5_0)
        return _mm512_sub_epi8(_mm512_or_si512(nibbles, _mm512_maskz_mov_epi8(mask, _mm512_set1_epi8(0x10))),
                               _mm512_set1_epi8(16));
    return _mm512_sub_epi8(nibbles, _mm512_set1_epi8(8));
}

/* Block b of a packed 16-row tile (nb blocks) as signed bytes in VNNI order (512 bytes at dst). */
INLINE void unpack_block(int KIND, const uint8_t *tile, int64_t nb, int64_t b, int8_t *dst) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const uint8_t *q = tile + (size_t)b * 256;
    const uint64_t *hb = (const uint64_t *)(tile + (size_t)nb * 256) + 8 * b; /* Q5_0's fifth bits */
    for (int c = 0; c < 4; c++) {
        __m512i u = _mm512_loadu_si512((const void *)(q + 64 * c));
        uint64_t lo = KIND == LLMK_X16_Q5_0 ? hb[c] : 0, hi = KIND == LLMK_X16_Q5_0 ? hb[c + 4] : 0;
        _mm512_store_si512((void *)(dst + 64 * c), values(KIND, _mm512_and_si512(u, m4), lo));
        _mm512_store_si512((void *)(dst + 256 + 64 * c),
                           values(KIND, _mm512_and_si512(_mm512_srli_epi16(u, 4), m4), hi));
    }
}

/* A whole tile (nb blocks) unpacked, 512 bytes per block. */
static void unpack_tile(int KIND, const uint8_t *tile, int64_t nb, int8_t *dst) {
    for (int64_t b = 0; b < nb; b++) unpack_block(KIND, tile, nb, b, dst + (size_t)b * 512);
}

/* acc[j] = fma((float)isum[j], dx * dy_j, acc[j]) for the NT tokens of one stored C tile. */
#define SCALE(NT, cbuf, d, b, a, nb, acc)                                                                              \
    do {                                                                                                               \
        __m512 dx_ = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((d) + (b) * TILE)));                      \
        for (int j = 0; j < (NT); j++)                                                                                 \
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512((const void *)((cbuf) + 16 * j))),         \
                                     _mm512_mul_ps(dx_, _mm512_set1_ps((a)[(b) * 16 + j])), acc[j]);                  \
    } while (0)

/* NT tokens (rows of xa from x) over one unpacked weight tile; out[j][r .. r + 15]. Software-pipelined over blocks:
 * tiles are not renamed, so block b loads into A/B (b & 1) and multiplies into C (b & 3) while the scaling reads the
 * stored product of block b - 3, whose tile store has long completed. */
#define STEP(b, ta, tb, tc)                                                                                            \
    do {                                                                                                               \
        _tile_loadd(ta, xq + (size_t)(b) * sizeof(block_q8_0), (long)arow);                                          \
        const int8_t *bsrc_ = bq + (size_t)(b) * 512;                                                                  \
        if (INL) { /* one group only: unpack into L1 UNPACK_AHEAD blocks ahead, not the whole tile beforehand */    \
            if ((b) + UNPACK_AHEAD < nb) unpack_block(KIND, tile, nb, (b) + UNPACK_AHEAD, ubuf[((b) + UNPACK_AHEAD) & 3]); \
            bsrc_ = ubuf[(b) & 3];                                                                                     \
        }                                                                                                              \
        _tile_loadd(tb, bsrc_, 64);                                                                                    \
        _tile_zero(tc);                                                                                                \
        _tile_dpbssd(tc, ta, tb);                                                                                      \
        _tile_stored(tc, cbuf[(b) & 3], 64);                                                                           \
    } while (0)

INLINE void group(int KIND, int NT, int INL, const uint8_t *tile, const int8_t *bq, const uint16_t *d, int64_t nb, const char *x,
                  size_t arow, const float *a, float *out, int64_t rows) {
    int32_t cbuf[4][16 * 16] __attribute__((aligned(64)));
    int8_t ubuf[4][512] __attribute__((aligned(64)));
    if (INL) /* the tile load of a block must not wait for the stores that wrote it: they go UNPACK_AHEAD early */
        for (int64_t b = 0; b < UNPACK_AHEAD && b < nb; b++) unpack_block(KIND, tile, nb, b, ubuf[b & 3]);
    __m512 acc[16];
    for (int j = 0; j < NT; j++) acc[j] = _mm512_setzero_ps();
    const char *xq = x + 2; /* block b's quants of token j at xq + b * 34 + j * arow */
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4) {
        STEP(b, 0, 2, 4);
        if (b >= 3) SCALE(NT, cbuf[(b - 3) & 3], d, b - 3, a, nb, acc);
        STEP(b + 1, 1, 3, 5);
        if (b >= 2) SCALE(NT, cbuf[(b - 2) & 3], d, b - 2, a, nb, acc);
        STEP(b + 2, 0, 2, 6);
        if (b >= 1) SCALE(NT, cbuf[(b - 1) & 3], d, b - 1, a, nb, acc);
        STEP(b + 3, 1, 3, 7);
        SCALE(NT, cbuf[b & 3], d, b, a, nb, acc);
    }
    /* the products of the last unrolled round still to scale, then the nb % 4 last blocks one at a time */
    for (int64_t p = b >= 3 ? b - 3 : 0; p < b; p++) SCALE(NT, cbuf[p & 3], d, p, a, nb, acc);
    for (; b < nb; b++) {
        STEP(b, 0, 2, 4);
        SCALE(NT, cbuf[b & 3], d, b, a, nb, acc);
    }
    for (int j = 0; j < NT; j++) _mm512_storeu_ps(out + (int64_t)j * rows, acc[j]);
}

static int q8_matmul(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out, int64_t r0,
                     int64_t r1, const float *act);

int llmk_matmul_q4_x16_amx(int kind, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1, const float *act) {
    if (kind == LLMK_X16_Q8_0) return q8_matmul(w, rows, cols, xa, ntok, out, r0, r1, act);
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    int8_t *bq = llmk_scratch(LLMK_SCRATCH_AMX_B, (size_t)nb * 512);
    if (!bq) return -2;
    int block = (int)(TOKEN_BLOCK_BYTES / arow) & ~15;
    if (block < 16) block = 16;
    float *dyt = llmk_scratch(LLMK_SCRATCH_AMX_DY, (size_t)(block + 15) / 16 * nb * 16 * sizeof(float));
    if (!dyt) return -2;
    for (int t0 = 0; t0 < ntok; t0 += block) {
        int t1 = ntok - t0 < block ? ntok : t0 + block;
        for (int t = t0; t < t1; t++) /* dy of token t, block b at dyt[((t - t0) / 16 * nb + b) * 16 + (t - t0) % 16] */
            for (int64_t b = 0; b < nb; b++) dyt[((size_t)(t - t0) / 16 * nb + b) * 16 + (t - t0) % 16] = act[2 * (t * nb + b)];
        for (int64_t r = r0; r < r1; r += TILE) {
            int q5 = kind == LLMK_X16_Q5_0;
            const uint8_t *tile = (const uint8_t *)w + (size_t)(r / TILE) * nb * LLMK_X16_BLOCK_BYTES(kind);
            const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * LLMK_X16_SCALES_AT(kind));
            int inl = t1 - t0 <= 16; /* one group: unpacking ahead would not be reused */
            if (!inl) {
                if (kind == LLMK_X16_IQ4_NL) unpack_tile(LLMK_X16_IQ4_NL, tile, nb, bq);
                else if (q5) unpack_tile(LLMK_X16_Q5_0, tile, nb, bq);
                else unpack_tile(LLMK_X16_Q4_0, tile, nb, bq);
            }
            for (int t = t0; t < t1; t += 16) {
                int nt = t1 - t < 16 ? t1 - t : 16;
                configure(nt);
                const char *x = (const char *)xa + (size_t)t * arow;
                float *a = dyt + (size_t)(t - t0) / 16 * nb * 16; /* this group's dy, block-major */
                float *o = out + (int64_t)t * rows + r;
                switch (nt) {
#define CASE(n)                                                                                                        \
    case n:                                                                                                            \
        if (kind == LLMK_X16_IQ4_NL) {                                                                                 \
            if (inl) group(LLMK_X16_IQ4_NL, n, 1, tile, bq, d, nb, x, arow, a, o, rows);                               \
            else group(LLMK_X16_IQ4_NL, n, 0, tile, bq, d, nb, x, arow, a, o, rows);                                   \
        } else if (q5) {                                                                                               \
            if (inl) group(LLMK_X16_Q5_0, n, 1, tile, bq, d, nb, x, arow, a, o, rows);                                 \
            else group(LLMK_X16_Q5_0, n, 0, tile, bq, d, nb, x, arow, a, o, rows);                                     \
        } else if (inl) group(LLMK_X16_Q4_0, n, 1, tile, bq, d, nb, x, arow, a, o, rows);                              \
        else group(LLMK_X16_Q4_0, n, 0, tile, bq, d, nb, x, arow, a, o, rows);                                         \
        break;
                CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
                CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)
#undef CASE
                default: return -1;
                }
            }
        }
    }
    return 0;
}

/* ---------------- Q8_0 x16 (llmk_avx512_q4_x16.c's layout and contract) ----------------
 * The packed qs of block b are already a B tile (8 rows x 64 bytes, VNNI order, w + 128 unsigned), so nothing is
 * unpacked: TDPBSUD (signed activations x unsigned weights) gives isum_b + 128 * sum(y), and the scaling adds act's
 * -128 * sum(y) back (exact int32) before the one fma. Same tiles and pipeline as above: A(b & 1) from the
 * activation rows, B(b & 1) from the packed weights, C(b & 3) stored and scaled three blocks later. */

#define Q8_PF_AHEAD 4 /* blocks whose weights are prefetched ahead of their tile load */

#define Q8_STEP(b, ta, tb, tc)                                                                                         \
    do {                                                                                                               \
        const uint8_t *pf_ = tile + (size_t)((b) + Q8_PF_AHEAD) * 512;                                                \
        for (int c_ = 0; c_ < 8; c_++) _mm_prefetch((const char *)pf_ + 64 * c_, _MM_HINT_T0);                        \
        _tile_loadd(ta, xq + (size_t)(b) * sizeof(block_q8_0), (long)arow);                                          \
        _tile_loadd(tb, tile + (size_t)(b) * 512, 64);                                                                 \
        _tile_zero(tc);                                                                                                \
        _tile_dpbsud(tc, ta, tb);                                                                                      \
        _tile_stored(tc, cbuf[(b) & 3], 64);                                                                           \
    } while (0)

/* acc[j] = fma((float)(c_j + corr_jb), dx * dy_jb, acc[j]) for the NT tokens of one stored C tile. */
#define Q8_SCALE(NT, cbuf, d, b, a, nb, acc)                                                                           \
    do {                                                                                                               \
        __m512 dx_ = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((d) + (b) * TILE)));                      \
        for (int j = 0; j < (NT); j++) {                                                                               \
            const float *aj_ = (a) + 2 * ((int64_t)j * (nb) + (b));                                                    \
            __m512i isum_ = _mm512_add_epi32(_mm512_load_si512((const void *)((cbuf) + 16 * j)),                     \
                                             _mm512_set1_epi32(((const int32_t *)aj_)[1]));                            \
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum_), _mm512_mul_ps(dx_, _mm512_set1_ps(aj_[0])), acc[j]);   \
        }                                                                                                              \
    } while (0)

INLINE void q8_group(int NT, const uint8_t *tile, const uint16_t *d, int64_t nb, const char *x, size_t arow,
                     const float *a, float *out, int64_t rows) {
    int32_t cbuf[4][16 * 16] __attribute__((aligned(64)));
    __m512 acc[16];
    for (int j = 0; j < NT; j++) acc[j] = _mm512_setzero_ps();
    const char *xq = x + 2; /* block b's quants of token j at xq + b * 34 + j * arow */
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4) {
        Q8_STEP(b, 0, 2, 4);
        if (b >= 3) Q8_SCALE(NT, cbuf[(b - 3) & 3], d, b - 3, a, nb, acc);
        Q8_STEP(b + 1, 1, 3, 5);
        if (b >= 2) Q8_SCALE(NT, cbuf[(b - 2) & 3], d, b - 2, a, nb, acc);
        Q8_STEP(b + 2, 0, 2, 6);
        if (b >= 1) Q8_SCALE(NT, cbuf[(b - 1) & 3], d, b - 1, a, nb, acc);
        Q8_STEP(b + 3, 1, 3, 7);
        Q8_SCALE(NT, cbuf[b & 3], d, b, a, nb, acc);
    }
    for (int64_t p = b >= 3 ? b - 3 : 0; p < b; p++) Q8_SCALE(NT, cbuf[p & 3], d, p, a, nb, acc);
    for (; b < nb; b++) {
        Q8_STEP(b, 0, 2, 4);
        Q8_SCALE(NT, cbuf[b & 3], d, b, a, nb, acc);
    }
    for (int j = 0; j < NT; j++) _mm512_storeu_ps(out + (int64_t)j * rows, acc[j]);
}

static int q8_matmul(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out, int64_t r0,
                     int64_t r1, const float *act) {
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    int block = (int)(TOKEN_BLOCK_BYTES / arow) & ~15;
    if (block < 16) block = 16;
    for (int t0 = 0; t0 < ntok; t0 += block) {
        int t1 = ntok - t0 < block ? ntok : t0 + block;
        for (int64_t r = r0; r < r1; r += TILE) {
            const uint8_t *tile = (const uint8_t *)w + (size_t)(r / TILE) * nb * LLMK_Q8_0_X16_BLOCK_BYTES;
            const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * 512);
            for (int t = t0; t < t1; t += 16) {
                int nt = t1 - t < 16 ? t1 - t : 16;
                configure(nt);
                const char *x = (const char *)xa + (size_t)t * arow;
                const float *a = act + (size_t)2 * t * nb;
                float *o = out + (int64_t)t * rows + r;
                switch (nt) {
#define CASE(n)                                                                                                        \
    case n: q8_group(n, tile, d, nb, x, arow, a, o, rows); break;
                CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
                CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)
#undef CASE
                default: return -1;
                }
            }
        }
    }
    return 0;
}
