/* AVX-512 VNNI matmul for Q4_0 weights whose row count is a multiple of 8 (every real model's), one token or many.
 * Compiled with -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI.
 *
 * Arithmetic, as llama.cpp on x86 for such matrices (it repacks them to q4_0x8 at load and runs
 * ggml_gemv/gemm_q4_0_8x8_q8_0): per output (weight row r x token t),
 *   acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc);   out = acc
 * with isum_b the exact integer dot of the block's 32 weights (q - 8) and activations. (Rows not a multiple of 8
 * are not repacked by llama.cpp and use the 8-lane tinyBLAS order of llmk_avx512_matmul.c instead.)
 *
 * Layout: lanes are rows. A tile of 16 rows is re-laid per block into 8 vectors, vector c holding bytes 4c..4c+3
 * of each row's unpacked block (the nibbles as 0..15), so vpdpbusd against a broadcast 4-byte group of one token's
 * activations adds 4 products into every row's lane; 8 of them give the 16 rows' block sums, starting from
 * -8 * sum(y) (the nibble bias, exact in int32). One token re-lays each block as it goes; many tokens re-lay a
 * tile once into a buffer and run every token over it, so the weights are unpacked once per call, not per token. */
#include <stdlib.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16 /* rows per tile: the 16 int32 / f32 lanes of a 512-bit register */

typedef struct {
    __m512i q[8]; /* u8: q[c] lane r = unpacked elements 4c..4c+3 of row r's block */
    __m512 dx;    /* f32: row r's block scale */
} tile_block;     /* 576 bytes */


/* Block b of rows [r, r + n) (n <= 16; missing rows read as zero weights with scale 0) re-laid as a tile_block. */
INLINE void relayout(const char *w, size_t wrow, int64_t b, int n, tile_block *o) {
    __m512i a[4]; /* a[g] 128-bit lane L = raw qs of row 4L + g */
    for (int g = 0; g < 4; g++) {
        __m512i v = _mm512_setzero_si512();
        for (int L = 0; L < 4; L++) {
            int row = 4 * L + g;
            if (row < n) {
                const block_q4_0 *blk = (const block_q4_0 *)(w + (size_t)row * wrow) + b;
                v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)blk->qs), L);
            }
        }
        a[g] = v;
    }
    /* in-lane 4x4 dword transpose: lane L of u[c] = dword c of rows 4L .. 4L + 3, i.e. u[c] dword r = row r */
    __m512i t0 = _mm512_unpacklo_epi32(a[0], a[1]), t1 = _mm512_unpackhi_epi32(a[0], a[1]);
    __m512i t2 = _mm512_unpacklo_epi32(a[2], a[3]), t3 = _mm512_unpackhi_epi32(a[2], a[3]);
    __m512i u[4] = {_mm512_unpacklo_epi64(t0, t2), _mm512_unpackhi_epi64(t0, t2), _mm512_unpacklo_epi64(t1, t3),
                    _mm512_unpackhi_epi64(t1, t3)};
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int c = 0; c < 4; c++) {
        o->q[c] = _mm512_and_si512(u[c], m4);                          /* elements 4c .. 4c+3: low nibbles */
        o->q[c + 4] = _mm512_and_si512(_mm512_srli_epi16(u[c], 4), m4); /* elements 16+4c ..: high nibbles */
    }
    /* the 16 rows' f16 scales: gather 32 bits at each row's block start, keep the low half, convert */
    const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                           _mm512_set1_epi32((int)wrow));
    __mmask16 live = (__mmask16)((1u << n) - 1);
    __m512i raw = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), live, idx,
                                              w + (size_t)b * sizeof(block_q4_0), 1);
    o->dx = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_and_si512(raw, _mm512_set1_epi32(0xFFFF))));
}

/* One token's contribution of block b: acc = fma((float)isum, dx * dy, acc) for the 16 rows of the tile. */
INLINE __m512 block_step(const tile_block *tb, const int8_t *yq, const float *a, __m512 acc) {
    __m512i s = _mm512_set1_epi32(((const int32_t *)a)[1]);
    for (int c = 0; c < 8; c++) {
        int32_t four;
        memcpy(&four, yq + 4 * c, 4);
        s = _mm512_dpbusd_epi32(s, tb->q[c], _mm512_set1_epi32(four));
    }
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(tb->dx, _mm512_set1_ps(a[0])), acc);
}

INLINE void store_rows(float *out, __m512 acc, int n) {
    _mm512_mask_storeu_ps(out, (__mmask16)((1u << n) - 1), acc);
}

/* Up to TT tokens [t0, t0 + TT) over one re-laid tile: accumulators stay in registers across the blocks. */
INLINE void tokens_over_tile(int TT, const tile_block *tile, int64_t nb, const char *xa, size_t arow,
                             const float *act, int t0, float *out, int64_t rows, int64_t r, int n) {
    __m512 acc[8];
    for (int j = 0; j < TT; j++) acc[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        for (int j = 0; j < TT; j++) {
            const block_q8_0 *y = (const block_q8_0 *)(xa + (size_t)(t0 + j) * arow) + b;
            acc[j] = block_step(tile + b, y->qs, act + 2 * ((t0 + j) * nb + b), acc[j]);
        }
    }
    for (int j = 0; j < TT; j++) store_rows(out + (int64_t)(t0 + j) * rows + r, acc[j], n);
}

/* All TT (<= 8) tokens over rows [r0, r1), each block re-laid once in registers and used by every token. */
INLINE void direct(int TT, const void *w, size_t wrow, int64_t nb, const char *xa, size_t arow, const float *act,
                   float *out, int64_t rows, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r += TILE) {
        int n = r1 - r < TILE ? (int)(r1 - r) : TILE;
        const char *wt = (const char *)w + (size_t)r * wrow;
        size_t tile_bytes = (size_t)TILE * wrow, step = (tile_bytes / (size_t)nb + 63) & ~(size_t)63;
        __m512 acc[8];
        for (int j = 0; j < TT; j++) acc[j] = _mm512_setzero_ps();
        tile_block tb;
        for (int64_t b = 0; b < nb; b++) {
            /* the tile's 16 rows are one contiguous range: stream the next tile's share into cache now (16
             * interleaved row streams alone defeat the hardware prefetcher) */
            for (size_t off = (size_t)b * step; off < (size_t)(b + 1) * step; off += 64)
                _mm_prefetch(wt + tile_bytes + off, _MM_HINT_T0);
            relayout(wt, wrow, b, n, &tb);
            for (int j = 0; j < TT; j++) {
                const block_q8_0 *y = (const block_q8_0 *)(xa + (size_t)j * arow) + b;
                acc[j] = block_step(&tb, y->qs, act + 2 * (j * nb + b), acc[j]);
            }
        }
        for (int j = 0; j < TT; j++) store_rows(out + (int64_t)j * rows + r, acc[j], n);
    }
}

int llmk_matmul_q4_0_rows8_avx512(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                                  int64_t r0, int64_t r1) {
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)nb * sizeof(block_q4_0);
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    size_t need = (size_t)2 * ntok * nb;
    float *tl_act = llmk_scratch(LLMK_SCRATCH_Q4_ACT, need * sizeof(float)); /* dy, -8 * sum(y) per token and block */
    if (!tl_act) return -2;
    llmk_q4_prepare_act((const char *)xa, arow, ntok, nb, 8, tl_act);
    if (ntok <= 16) { /* decode and small batches: re-lay each block in registers, for 8 tokens at a time */
        for (int t = 0; t < ntok; t += 8) {
            const char *x = (const char *)xa + (size_t)t * arow;
            const float *act = tl_act + (size_t)2 * t * nb;
            float *o = out + (int64_t)t * rows;
            switch (ntok - t) {
            case 1: direct(1, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 2: direct(2, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 3: direct(3, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 4: direct(4, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 5: direct(5, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 6: direct(6, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            case 7: direct(7, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            default: direct(8, w, wrow, nb, x, arow, act, o, rows, r0, r1); break;
            }
        }
        return 0;
    }
    tile_block *tl_tile = llmk_scratch(LLMK_SCRATCH_Q4_TILE, (size_t)nb * sizeof(tile_block));
    if (!tl_tile) return -2;
    for (int64_t r = r0; r < r1; r += TILE) {
        int n = r1 - r < TILE ? (int)(r1 - r) : TILE;
        const char *wt = (const char *)w + (size_t)r * wrow;
        for (int64_t b = 0; b < nb; b++) relayout(wt, wrow, b, n, tl_tile + b);
        int t = 0;
        for (; t + 8 <= ntok; t += 8) tokens_over_tile(8, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n);
        switch (ntok - t) {
        case 7: tokens_over_tile(7, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 6: tokens_over_tile(6, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 5: tokens_over_tile(5, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 4: tokens_over_tile(4, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 3: tokens_over_tile(3, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 2: tokens_over_tile(2, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        case 1: tokens_over_tile(1, tl_tile, nb, (const char *)xa, arow, tl_act, t, out, rows, r, n); break;
        default: break;
        }
    }
    return 0;
}
