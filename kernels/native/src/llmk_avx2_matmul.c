/* AVX2 matmul for Q4_0 / Q8_0 weights x Q8_0 activations; one Q8_0 token goes to llmk_gemv_q8_0_avx2
 * (llmk_avx2_gemv.c), more Q8_0 tokens to llmk_gemm_q8_0_avx2 (llmk_avx2_gemm_q8_0.c). Q4_0 runs the kernel below
 * for any token count, one token included: its order (an exact block sum per row, acc = fma(isum, dx * dy, acc)
 * block by block) is then the same for a token alone and in a batch, so results do not depend on the batch.
 *
 * Q4_0 is a small GEMM: the weight rows of a call are taken 8 at a time (a tile) and re-laid ONCE per call into a
 * scratch buffer (the weights stay in place in the mapped file) so that each 32-bit lane of a register holds 4
 * elements of a different row:
 *   quad[b][j] (32 bytes) = for rows r = 0..7 of the tile: elements 4j..4j+3 of block b, as bytes 0..15,
 * so maddubs against 4 activation bytes broadcast to all lanes, summed over the 8 quads of a block, and one madd
 * leave in lane r the integer dot of row r with the block: no horizontal sums, and the 8 row scales are one
 * vector. Panels of Q4NR tiles (16 rows) run against Q4T2 tokens at a time (int16 sums and float accumulators in
 * registers; one activation broadcast feeds both tiles), while the next panel's weights are prefetched into L2:
 *   dot = dx * dy * (sum(wu * y) - 8 * sum(y)), wu = stored nibble 0..15 (so maddubs takes it unsigned),
 * where 8 * sum(y) per activation block is computed once per call. int16 cannot overflow: 8 maddubs outputs of
 * 2 * 15 * 127 add up to 30480. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

LLMK_HIDDEN int llmk_gemm_q8_0_avx2(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                                    int64_t r0, int64_t r1);

#ifndef Q4NR
#define Q4NR 2 /* 8-row tiles per panel */
#endif
#define Q4T1 4  /* tokens per micro-kernel pass on a 1-tile panel */
#define Q4T2 2  /* tokens per pass on a 2-tile panel: 4 int16 sums + 4 float accumulators + operands fit 16 ymm */
#define Q4ACC 4

typedef struct { float d; int32_t s8; } q4_side; /* per activation block: d = dy, s8 = 8 * sum(qs) */

INLINE __m256i bcast4(const int8_t *p) { /* 4 bytes at p (any alignment) into every 32-bit lane */
    int32_t v;
    memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

/* side[t * nb + b] for ntok tokens of nb Q8_0 blocks each (rows arow bytes apart). */
static void q4_prepare(const void *xa, size_t arow, int ntok, int64_t nb, q4_side *side) {
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    for (int t = 0; t < ntok; t++) {
        const block_q8_0 *y = (const block_q8_0 *)((const char *)xa + t * arow);
        for (int64_t b = 0; b < nb; b++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)y[b].qs);
            __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, v), ones16);
            __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
            h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
            side[t * nb + b].d = llmk_f16_table[y[b].d];
            side[t * nb + b].s8 = 8 * _mm_cvtsi128_si32(h);
        }
    }
}

/* 4x4 transpose of 32-bit elements in each 128-bit half: out[k] lane i (per half) = in[i] lane k. */
INLINE void transpose4(__m256i *v) {
    __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
    __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
    v[0] = _mm256_unpacklo_epi64(t0, t2);
    v[1] = _mm256_unpackhi_epi64(t0, t2);
    v[2] = _mm256_unpacklo_epi64(t1, t3);
    v[3] = _mm256_unpackhi_epi64(t1, t3);
}

/* Re-lays rows wr[0 .. 8 * nr) (nb blocks each) as nr tiles of 8 rows: block b of tile h is quad[(b * nr + h) * 8 + j]
 * (j = 0..7) and its 8 row scales dx[(b * nr + h) * 8 + lane]. */
static void q4_pack(const block_q4_0 *const *wr, int nr, int64_t nb, __m256i *quad, float *dx) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    /* scales: one gather of the 8 rows' first 4 bytes (d and 2 quant bytes) per tile and block, then the low
     * halves (d) packed to 8 x f16 for cvtph, instead of 8 scalar table look-ups */
    const __m256i pick_d = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1,
                                            0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    __m256i off[2];
    for (int h = 0; h < nr; h++)
        off[h] = _mm256_setr_epi32(0, (int)((const char *)wr[8 * h + 1] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 2] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 3] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 4] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 5] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 6] - (const char *)wr[8 * h]),
                                   (int)((const char *)wr[8 * h + 7] - (const char *)wr[8 * h]));
    for (int64_t b = 0; b < nb; b++) {
        for (int h = 0; h < nr; h++) {
            const block_q4_0 *const *tr = wr + 8 * h;
            __m256i g = _mm256_shuffle_epi8(_mm256_i32gather_epi32((const int *)(tr[0] + b), off[h], 1), pick_d);
            g = _mm256_permute4x64_epi64(g, 0x08); /* the two halves' 4 x f16 side by side in the low 128 bits */
            _mm256_store_ps(dx + (b * nr + h) * 8, _mm256_cvtph_ps(_mm256_castsi256_si128(g)));
            __m256i v[4]; /* v[r]: row r's 16 bytes in the low half, row r + 4's in the high half */
            for (int r = 0; r < 4; r++)
                v[r] = _mm256_inserti128_si256(
                    _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)tr[r][b].qs)),
                    _mm_loadu_si128((const __m128i *)tr[r + 4][b].qs), 1);
            transpose4(v); /* v[k] lane r = bytes 4k..4k+3 of row r: low nibbles = elements 4k.., high = 16 + 4k.. */
            __m256i *q = quad + (b * nr + h) * 8;
            for (int k = 0; k < 4; k++) {
                _mm256_store_si256(q + k, _mm256_and_si256(v[k], m4));
                _mm256_store_si256(q + 4 + k, _mm256_and_si256(_mm256_srli_epi16(v[k], 4), m4));
            }
        }
    }
}

/* NR tiles x NT tokens: acc[h * NT + t] lane r = dot(row 8h + r, token t); quad j of a block meets activation
 * bytes 4j..4j+3. */
INLINE void q4_kernel(int NR, int NT, int64_t nb, const __m256i *quad, const float *dx, const char *x, size_t arow,
                      const q4_side *side, const char *pf, int pfb, __m256 *acc) {
    const __m256i ones = _mm256_set1_epi16(1);
    for (int i = 0; i < NR * NT; i++) acc[i] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        for (int o = 0; o < pfb; o += 64) _mm_prefetch(pf + b * pfb + o, _MM_HINT_T1);
        __m256i p[Q4ACC];
        const int8_t *y[Q4ACC];
        for (int t = 0; t < NT; t++) y[t] = ((const block_q8_0 *)(x + t * arow))[b].qs;
        const __m256i *q = quad + b * NR * 8;
        for (int j = 0; j < 8; j++) {
            __m256i wq[2];
            for (int h = 0; h < NR; h++) wq[h] = _mm256_load_si256(q + h * 8 + j);
            for (int t = 0; t < NT; t++) {
                __m256i yb = bcast4(y[t] + 4 * j);
                for (int h = 0; h < NR; h++) {
                    __m256i m = _mm256_maddubs_epi16(wq[h], yb);
                    p[h * NT + t] = j ? _mm256_add_epi16(p[h * NT + t], m) : m;
                    /* keeps p a register chain: unbarriered, gcc hoists all the maddubs and spills */
                    __asm__("" : "+x"(p[h * NT + t]));
                }
            }
        }
        for (int h = 0; h < NR; h++) {
            __m256 d = _mm256_load_ps(dx + (b * NR + h) * 8);
            for (int t = 0; t < NT; t++) {
                const q4_side *s = side + t * nb + b;
                __m256i i = _mm256_sub_epi32(_mm256_madd_epi16(p[h * NT + t], ones), _mm256_set1_epi32(s->s8));
                acc[h * NT + t] =
                    _mm256_fmadd_ps(_mm256_cvtepi32_ps(i), _mm256_mul_ps(d, _mm256_set1_ps(s->d)), acc[h * NT + t]);
            }
        }
    }
}

static void q4_store(int nr, int nt, const __m256 *acc, int ntacc, float *out, int64_t rows, int nvalid) {
    for (int h = 0; h < nr; h++)
        for (int t = 0; t < nt; t++) {
            float *o = out + (int64_t)t * rows + 8 * h;
            int n = nvalid - 8 * h;
            if (n >= 8) {
                _mm256_storeu_ps(o, acc[h * ntacc + t]);
            } else if (n > 0) {
                float tmp[8];
                _mm256_storeu_ps(tmp, acc[h * ntacc + t]);
                memcpy(o, tmp, (size_t)n * sizeof(float));
            }
        }
}

static int q4_gemm(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out, int64_t r0,
                   int64_t r1) {
    int64_t nb = cols / QK4_0;
    size_t wrow = (size_t)nb * sizeof(block_q4_0), arow = (size_t)nb * sizeof(block_q8_0);
    /* scratch: one panel's quads (nb * Q4NR * 256 bytes) and scales (nb * Q4NR * 32 bytes), then side entries */
    size_t panel_bytes = (size_t)nb * Q4NR * (8 * sizeof(__m256i) + 8 * sizeof(float));
    char *scratch = aligned_alloc(64, (panel_bytes + (size_t)ntok * nb * sizeof(q4_side) + 63) & ~(size_t)63);
    if (!scratch) return -2;
    __m256i *quad = (__m256i *)scratch;
    float *dx = (float *)(scratch + (size_t)nb * Q4NR * 8 * sizeof(__m256i));
    q4_side *side = (q4_side *)(scratch + panel_bytes);
    q4_prepare(xa, arow, ntok, nb, side);
    for (int64_t r = r0; r < r1; r += 8 * Q4NR) {
        int nvalid = r1 - r < 8 * Q4NR ? (int)(r1 - r) : 8 * Q4NR;
        int nr = (nvalid + 7) / 8;
        const block_q4_0 *wr[8 * Q4NR]; /* a short panel repeats its last row; only nvalid rows are stored */
        for (int i = 0; i < 8 * nr; i++)
            wr[i] = (const block_q4_0 *)((const char *)w + (r + (i < nvalid ? i : nvalid - 1)) * wrow);
        q4_pack(wr, nr, nb, quad, dx);
        int step = nr == 2 ? Q4T2 : Q4T1;
        for (int t0 = 0; t0 < ntok; t0 += step) {
            int nt = ntok - t0 < step ? ntok - t0 : step;
            __m256 acc[Q4ACC];
            const char *x = (const char *)xa + t0 * arow;
            const q4_side *sd = side + (size_t)t0 * nb;
            int ntacc = nt;
            /* the next panel's weights (contiguous rows) into L2 while this one computes: DRAM streams during
             * the arithmetic instead of stalling the pack; spread over the first npf passes (pfb bytes per block) */
            int pass = t0 / step, npf = (ntok + step - 1) / step < 4 ? (ntok + step - 1) / step : 4;
            int pfb = pass < npf && r + 8 * Q4NR < r1 ? 8 * Q4NR * (int)sizeof(block_q4_0) / npf : 0;
            const char *pf = (const char *)w + (r + 8 * Q4NR) * wrow + (size_t)pass * pfb * nb;
            switch (nr * 8 + nt) {
            case 9: q4_kernel(1, 1, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            case 10: q4_kernel(1, 2, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            case 11: q4_kernel(1, 3, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            case 12: q4_kernel(1, 4, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            case 17: q4_kernel(2, 1, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            default: q4_kernel(2, 2, nb, quad, dx, x, arow, sd, pf, pfb, acc); break;
            }
            q4_store(nr, nt, acc, ntacc, out + (int64_t)t0 * rows + r, rows, nvalid);
        }
    }
    free(scratch);
    return 0;
}

int llmk_matmul_q8_0_family_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                 float *out, int64_t r0, int64_t r1) {
    if (r0 >= r1) return 0;
    if (ntok == 1 && wtype == LLMK_TYPE_Q8_0) return llmk_gemv_q8_0_avx2(w, cols, xa, out, r0, r1);
    if (wtype == LLMK_TYPE_Q4_0) return q4_gemm(w, rows, cols, xa, ntok, out, r0, r1);
    return llmk_gemm_q8_0_avx2(w, rows, cols, xa, ntok, out, r0, r1);
}
