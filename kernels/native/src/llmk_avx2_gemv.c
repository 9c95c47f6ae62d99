/* AVX2 one-token matmul (decode) for Q4_0 / Q8_0 weights x Q8_0 activations: out[r] = W[r] . x for r in [r0, r1).
 * Each weight byte is read once, so the per-block instruction count decides the speed; the activation side is
 * rearranged once per call (it is small: nb blocks of 34 bytes) so the per-row loops do as little as possible.
 *
 * Q4_0, four blocks per step ("quad"; blocks i..i+3, weights wu = stored nibble 0..15, value wu - 8):
 *   one 256-bit register holds the 16 qs bytes of blocks i | i+1 (another i+2 | i+3); AND gives the low nibbles
 *   (elements 0..15 of both blocks), shift + AND the high nibbles (16..31). The activation copy is permuted to
 *   match, so two maddubs per register pair give 16-bit sums of 4 products; hadd + madd fold them to 2 int32
 *   lanes per block, laid out [i, i, i+2, i+2 | i+1, i+1, i+3, i+3]. Subtracting 8 * sum(y) per lane (prepared)
 *   makes the sums signed, and one convert, one multiply (dx * dy, both laid out that way) and one FMA
 *   accumulate four blocks. Two rows run interleaved: they share the activation loads and give two FMA chains.
 * Q8_0 follows llama.cpp's x86 arithmetic exactly (the engine must reproduce its logits bit for bit):
 *   one accumulator per row, acc = fma(set1(dx * dy), cvt(madd(maddubs(|x|, sign(y, x)), 1)), acc) block by
 *   block in order, result hsum8(acc). Independent chains come from four rows at once, never from reordering. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

/* Prefetch: rows interleaved in one step read R streams that each end after one row, which the hardware
 * prefetcher follows badly (Q4_0 with 2 rows and a per-row prefetch 1-2 KiB ahead fell from ~26 to ~14 GB/s on one
 * Zen 5 thread from DRAM). So each step instead prefetches the next row group (the R rows after the current ones,
 * contiguous in memory) linearly, R * block bytes per step: the group is in cache when its turn comes, and DRAM
 * sees one sequential stream (Q4_0 ~35, Q8_0 ~42 GB/s). The first group of a call relies on the hardware. */
INLINE void prefetch_next_group(const char *next, int64_t step, int bytes_per_step) {
    const char *p = next + step * bytes_per_step;
    for (int k = 0; k < bytes_per_step; k += 64) _mm_prefetch(p + k, _MM_HINT_T0); /* a line a step late is fine */
}

/* Q4_0 activation side of one quad (blocks 4q .. 4q+3), 192 bytes. */
typedef struct {
    int8_t lo[2][32]; /* [pair][lane-half]: pair p = blocks 4q+2p | 4q+2p+1, elements 0..15 of each */
    int8_t hi[2][32]; /* the same for elements 16..31 */
    int32_t off[8];   /* 8 * sum(y) over the 16 elements feeding each int32 lane */
    float dy[8];      /* dy of the block feeding each lane */
} q4_quad;

/* Four f16 scales as [d0, d0, d2, d2 | d1, d1, d3, d3] (the lane layout of the folded sums): packed with scalar
 * integer ops (idle ports here), converted together, then spread. */
INLINE __m256 spread4(uint16_t d0, uint16_t d1, uint16_t d2, uint16_t d3) {
    uint64_t h = (uint64_t)d0 | (uint64_t)d2 << 16 | (uint64_t)d1 << 32 | (uint64_t)d3 << 48;
    __m256 d = _mm256_castps128_ps256(_mm_cvtph_ps(_mm_cvtsi64_si128((long long)h))); /* d0, d2, d1, d3 */
    return _mm256_permutevar8x32_ps(d, _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3));
}

/* 16-bit products of two pairs of blocks (a: blocks 0 | 1, b: 2 | 3; lo/hi: elements 0..15 / 16..31) folded to
 * 2 int32 lanes per block: [0, 0, 2, 2 | 1, 1, 3, 3]. Each 16-bit value sums at most 4 products |15 * 128|,
 * the hadd at most 8, so nothing saturates. */
INLINE __m256i fold4(__m256i la, __m256i ya_lo, __m256i ha, __m256i ya_hi, __m256i lb, __m256i yb_lo, __m256i hb,
                     __m256i yb_hi) {
    __m256i pa = _mm256_add_epi16(_mm256_maddubs_epi16(la, ya_lo), _mm256_maddubs_epi16(ha, ya_hi));
    __m256i pb = _mm256_add_epi16(_mm256_maddubs_epi16(lb, yb_lo), _mm256_maddubs_epi16(hb, yb_hi));
    return _mm256_madd_epi16(_mm256_hadd_epi16(pa, pb), _mm256_set1_epi16(1));
}

static void prepare_q4(const block_q8_0 *y, int64_t nq, q4_quad *qd) {
    const __m256i one8 = _mm256_set1_epi8(1);
    for (int64_t q = 0; q < nq; q++) {
        const block_q8_0 *b = y + 4 * q;
        q4_quad *o = qd + q;
        __m256i v[2][2]; /* [pair][lo/hi] */
        for (int p = 0; p < 2; p++) {
            v[p][0] = _mm256_loadu2_m128i((const __m128i *)b[2 * p + 1].qs, (const __m128i *)b[2 * p].qs);
            v[p][1] = _mm256_loadu2_m128i((const __m128i *)(b[2 * p + 1].qs + 16), (const __m128i *)(b[2 * p].qs + 16));
            _mm256_store_si256((__m256i *)o->lo[p], v[p][0]);
            _mm256_store_si256((__m256i *)o->hi[p], v[p][1]);
        }
        /* the same fold with all weights 1 gives each lane's sum(y); wu - 8 = value, so subtract 8 * that */
        __m256i sy = fold4(one8, v[0][0], one8, v[0][1], one8, v[1][0], one8, v[1][1]);
        _mm256_store_si256((__m256i *)o->off, _mm256_slli_epi32(sy, 3));
        _mm256_store_ps(o->dy, spread4(b[0].d, b[1].d, b[2].d, b[3].d));
    }
}

/* Folded int32 lane sums (offset applied) of one row's quad. */
INLINE __m256i q4_quad_sums(const block_q4_0 *a, const q4_quad *y) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256i qa = _mm256_loadu2_m128i((const __m128i *)a[1].qs, (const __m128i *)a[0].qs);
    __m256i qb = _mm256_loadu2_m128i((const __m128i *)a[3].qs, (const __m128i *)a[2].qs);
    __m256i s = fold4(_mm256_and_si256(qa, m4), _mm256_load_si256((const __m256i *)y->lo[0]),
                      _mm256_and_si256(_mm256_srli_epi16(qa, 4), m4), _mm256_load_si256((const __m256i *)y->hi[0]),
                      _mm256_and_si256(qb, m4), _mm256_load_si256((const __m256i *)y->lo[1]),
                      _mm256_and_si256(_mm256_srli_epi16(qb, 4), m4), _mm256_load_si256((const __m256i *)y->hi[1]));
    return _mm256_sub_epi32(s, _mm256_load_si256((const __m256i *)y->off));
}

/* acc + one row's quad: sums * (dx * dy) per lane. */
INLINE __m256 q4_quad_acc(const block_q4_0 *a, const q4_quad *y, __m256 dy, __m256 acc) {
    __m256 dx = spread4(a[0].d, a[1].d, a[2].d, a[3].d);
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(q4_quad_sums(a, y)), _mm256_mul_ps(dx, dy), acc);
}

/* Tail blocks (nb % 4) of one Q4_0 row, one at a time from the unpermuted activations. */
static float q4_tail(const block_q4_0 *a, const block_q8_0 *y, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i++) {
        __m128i t = _mm_loadu_si128((const __m128i *)a[i].qs);
        __m256i w = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(t, 4), t), _mm256_set1_epi8(0x0F));
        w = _mm256_sub_epi8(w, _mm256_set1_epi8(8));
        __m256i p = dot_i8(_mm256_sign_epi8(w, w), w, _mm256_loadu_si256((const __m256i *)y[i].qs));
        __m256 d = _mm256_set1_ps(llmk_f16_table[a[i].d] * llmk_f16_table[y[i].d]);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc);
    }
    return hsum8(acc);
}

/* Rows r .. r+R-1 (R = 1 or 2), nq quads then the tail. wrow: bytes per weight row. */
INLINE void q4_rows(int R, const char *w, size_t wrow, int64_t nq, int64_t nb, const q4_quad *qd,
                    const block_q8_0 *y, float *out) {
    const block_q4_0 *a0 = (const block_q4_0 *)w, *a1 = (const block_q4_0 *)(w + wrow);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    for (int64_t q = 0; q < nq; q++) {
        prefetch_next_group(w + R * wrow, q, R * 4 * (int)sizeof(block_q4_0));
        __m256 dy = _mm256_load_ps(qd[q].dy);
        acc0 = q4_quad_acc(a0 + 4 * q, qd + q, dy, acc0);
        if (R > 1) acc1 = q4_quad_acc(a1 + 4 * q, qd + q, dy, acc1);
    }
    out[0] = hsum8(acc0) + q4_tail(a0 + 4 * nq, y + 4 * nq, nb - 4 * nq);
    if (R > 1) out[1] = hsum8(acc1) + q4_tail(a1 + 4 * nq, y + 4 * nq, nb - 4 * nq);
}

/* ---------------- Q8_0 (llama.cpp's arithmetic, see the top) ---------------- */

INLINE __m256 q8_block(const block_q8_0 *a, __m256i yq, float dy, __m256 acc) {
    __m256i x = _mm256_loadu_si256((const __m256i *)a->qs);
    __m256i p = dot_i8(_mm256_sign_epi8(x, x), x, yq);
    return _mm256_fmadd_ps(_mm256_set1_ps(llmk_f16_table[a->d] * dy), _mm256_cvtepi32_ps(p), acc);
}

/* Rows r .. r+R-1 (R = 1..4), one accumulator each, blocks in order. dy: nb activation scales as floats. */
INLINE void q8_rows(int R, const char *w, size_t wrow, int64_t nb, const block_q8_0 *y, const float *dy,
                    float *out) {
    const block_q8_0 *a[4];
    __m256 acc[4];
    for (int k = 0; k < R; k++) {
        a[k] = (const block_q8_0 *)(w + k * wrow);
        acc[k] = _mm256_setzero_ps();
    }
    for (int64_t i = 0; i < nb; i++) {
        prefetch_next_group(w + R * wrow, i, R * (int)sizeof(block_q8_0));
        __m256i yq = _mm256_loadu_si256((const __m256i *)y[i].qs);
        for (int k = 0; k < R; k++) acc[k] = q8_block(a[k] + i, yq, dy[i], acc[k]);
    }
    for (int k = 0; k < R; k++) out[k] = hsum8(acc[k]);
}

#ifndef Q8_ROWS
#define Q8_ROWS 4 /* rows interleaved per Q8_0 step */
#endif
#ifndef Q4_ROWS
#define Q4_ROWS 2 /* rows interleaved per Q4_0 step */
#endif

int llmk_gemv_q8_0_family_avx2(int wtype, const void *w, int64_t cols, const void *xa, float *out, int64_t r0,
                               int64_t r1) {
    int64_t nb = cols / QK8_0;
    const block_q8_0 *y = (const block_q8_0 *)xa;
    const char *wb = (const char *)w;
    if (wtype == LLMK_TYPE_Q4_0) {
        size_t wrow = (size_t)nb * sizeof(block_q4_0);
        int64_t nq = nb / 4;
        _Alignas(32) q4_quad stack_qd[256]; /* 48 KiB: up to 32768 columns without malloc */
        q4_quad *qd = nq <= 256 ? stack_qd : aligned_alloc(32, (size_t)nq * sizeof(q4_quad));
        if (!qd) return -2;
        prepare_q4(y, nq, qd);
        int64_t r = r0;
        for (; r + Q4_ROWS <= r1; r += Q4_ROWS) q4_rows(Q4_ROWS, wb + r * wrow, wrow, nq, nb, qd, y, out + r);
        for (; r < r1; r++) q4_rows(1, wb + r * wrow, wrow, nq, nb, qd, y, out + r);
        if (qd != stack_qd) free(qd);
    } else {
        size_t wrow = (size_t)nb * sizeof(block_q8_0);
        float stack_dy[1024];
        float *dy = nb <= 1024 ? stack_dy : malloc((size_t)nb * sizeof(float));
        if (!dy) return -2;
        for (int64_t i = 0; i < nb; i++) dy[i] = llmk_f16_table[y[i].d];
        int64_t r = r0;
        for (; r + Q8_ROWS <= r1; r += Q8_ROWS) q8_rows(Q8_ROWS, wb + r * wrow, wrow, nb, y, dy, out + r);
        for (; r < r1; r++) q8_rows(1, wb + r * wrow, wrow, nb, y, dy, out + r);
        if (dy != stack_dy) free(dy);
    }
    return 0;
}

/* ---------------- F16 weights x F32 activations ---------------- */
#ifndef F16_PF
#define F16_PF 8192 /* bytes ahead (measured on Zen 5 from DRAM, one thread: 1024 21, 4096 31, 8192 33 GB/s) */
#endif

/* One row in ggml_vec_dot_f16's AVX2 order (what llama.cpp runs for one token): four accumulators over whole
 * 32-element steps, GGML_F32x8_REDUCE ((a0 + a2) + (a1 + a3), then the 8 lanes with two hadds), the tail in double.
 * One stream, so a plain prefetch distance works (unlike the interleaved Q4_0 / Q8_0 rows). */
static float f16_row(const uint16_t *a, const float *x, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm_prefetch((const char *)(a + i) + F16_PF, _MM_HINT_T0);
        acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i))), _mm256_loadu_ps(x + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 8))),
                               _mm256_loadu_ps(x + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 16))),
                               _mm256_loadu_ps(x + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 24))),
                               _mm256_loadu_ps(x + i + 24), acc3);
    }
    __m256 v = _mm256_add_ps(_mm256_add_ps(acc0, acc2), _mm256_add_ps(acc1, acc3));
    __m128 t = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    t = _mm_hadd_ps(t, t);
    double sum = _mm_cvtss_f32(_mm_hadd_ps(t, t));
    for (; i < n; i++) sum += (double)(_cvtsh_ss(a[i]) * x[i]);
    return (float)sum;
}

/* matmul[F16] of the AVX2 table, in llama.cpp's AVX2 orders: one token row by row as above; several tokens through
 * the tiled vec_dot (tinyBLAS: a single 8-lane accumulator, the tail after the reduction). */
int llmk_matmul_f16_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                         int64_t r0, int64_t r1) {
    size_t wrow = (size_t)cols * 2;
    if (ntok == 1) {
        for (int t = 0; t < ntok; t++)
            for (int64_t r = r0; r < r1; r++)
                out[(int64_t)t * rows + r] = f16_row((const uint16_t *)((const char *)w + r * wrow),
                                                     (const float *)xa + (int64_t)t * cols, cols);
        return 0;
    }
    float s[LLMK_MAX_TILE];
    for (int64_t r = r0; r < r1; r++) {
        for (int t0 = 0; t0 < ntok; t0 += LLMK_MAX_TILE) {
            int nt = ntok - t0 < LLMK_MAX_TILE ? ntok - t0 : LLMK_MAX_TILE;
            llmk_vec_dot_f16_f32_avx2(cols, (const char *)w + r * wrow, (const float *)xa + (int64_t)t0 * cols,
                                      (size_t)cols * 4, nt, s);
            for (int t = 0; t < nt; t++) out[(int64_t)(t0 + t) * rows + r] = s[t];
        }
    }
    return 0;
}
