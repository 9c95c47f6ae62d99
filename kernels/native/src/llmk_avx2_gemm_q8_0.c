/* AVX2 many-token matmul for Q8_0 weights x Q8_0 activations, bit-identical to llama.cpp's x86 arithmetic:
 * per output (row, token) one 8-lane float accumulator, and per block b in order
 *     acc = fma(set1(dx * dy), cvt(lane sums), acc),   lane j = sum of the products of elements 4j..4j+3,
 * result hsum8(acc) = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)).
 * Fast layout honouring that: the accumulator of one output is spread over 8 registers A[0..7] (A[j] lane r =
 * lane j of row r's accumulator), so the 8 lanes of a register are 8 rows. The rows of a call are taken 8 at a
 * time (a tile) and re-laid once per call (the weights stay in place in the mapped file):
 *   quad[b][j] lane r = bytes 4j..4j+3 of row r's block b   (and its absolute value, for the sign trick),
 * so maddubs(|w|, sign(y, w)) against 4 activation bytes broadcast to all lanes, then madd, gives lane j of the
 * contract for 8 rows at once; dx * dy is one vector multiply (8 row scales times the broadcast token scale),
 * and the final hsum8 is the same tree of adds done lane-wise across A[0..7]. |w| <= 128 and |y| <= 127, so a
 * maddubs pair sum is at most 32512 and never saturates. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

LLMK_HIDDEN int llmk_gemm_q8_0_avx2(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                                    int64_t r0, int64_t r1);

/* Re-lays rows wr[0..7] (nb blocks each): per block 8 signed quads, then their 8 absolute values (16 x 32
 * bytes), and the 8 row scales dx[b * 8 + r]. */
static void q8_pack(const block_q8_0 *const wr[8], int64_t nb, __m256i *quad, float *dx) {
    for (int64_t b = 0; b < nb; b++) {
        __m256i lo[4], hi[4]; /* [r]: row r's bytes 0..15 (lo) or 16..31 (hi) beside row r + 4's in the high half */
        for (int r = 0; r < 4; r++) {
            lo[r] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)wr[r][b].qs)),
                                            _mm_loadu_si128((const __m128i *)wr[r + 4][b].qs), 1);
            hi[r] = _mm256_inserti128_si256(
                _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(wr[r][b].qs + 16))),
                _mm_loadu_si128((const __m128i *)(wr[r + 4][b].qs + 16)), 1);
        }
        for (int h = 0; h < 2; h++) { /* 4x4 transposes of 32-bit elements within each 128-bit half */
            __m256i *v = h ? hi : lo;
            __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
            __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
            __m256i q[4] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                            _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3)};
            for (int k = 0; k < 4; k++) { /* q[k] lane r = bytes 4k..4k+3 of half h of row r: quad 4h + k */
                _mm256_store_si256(quad + b * 16 + 4 * h + k, q[k]);
                _mm256_store_si256(quad + b * 16 + 8 + 4 * h + k, _mm256_sign_epi8(q[k], q[k]));
            }
        }
        for (int r = 0; r < 8; r++) dx[b * 8 + r] = llmk_f16_table[wr[r][b].d];
    }
}

/* One tile x one token (nb blocks of activations at y): the contract's result for the tile's 8 rows. */
static __m256 q8_tile_token(int64_t nb, const __m256i *quad, const float *dx, const block_q8_0 *y, const char *pf,
                            int pfb) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 a[8];
    for (int j = 0; j < 8; j++) a[j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        for (int o = 0; o < pfb; o += 64) _mm_prefetch(pf + b * pfb + o, _MM_HINT_T1);
        __m256 s = _mm256_mul_ps(_mm256_load_ps(dx + b * 8), _mm256_set1_ps(llmk_f16_table[y[b].d]));
        const __m256i *q = quad + b * 16;
        for (int j = 0; j < 8; j++) {
            int32_t v;
            memcpy(&v, y[b].qs + 4 * j, 4);
            __m256i sy = _mm256_sign_epi8(_mm256_set1_epi32(v), _mm256_load_si256(q + j));
            __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_load_si256(q + 8 + j), sy), ones);
            a[j] = _mm256_fmadd_ps(s, _mm256_cvtepi32_ps(p), a[j]);
        }
    }
    return _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a[0], a[4]), _mm256_add_ps(a[2], a[6])),
                         _mm256_add_ps(_mm256_add_ps(a[1], a[5]), _mm256_add_ps(a[3], a[7])));
}

int llmk_gemm_q8_0_avx2(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out, int64_t r0,
                        int64_t r1) {
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)nb * sizeof(block_q8_0), arow = wrow;
    /* scratch: one tile's quads and |quads| (nb * 512 bytes) and scales (nb * 32 bytes) */
    char *scratch = aligned_alloc(64, ((size_t)nb * (16 * sizeof(__m256i) + 8 * sizeof(float)) + 63) & ~(size_t)63);
    if (!scratch) return -2;
    __m256i *quad = (__m256i *)scratch;
    float *dx = (float *)(scratch + (size_t)nb * 16 * sizeof(__m256i));
    for (int64_t r = r0; r < r1; r += 8) {
        int nr = r1 - r < 8 ? (int)(r1 - r) : 8;
        const block_q8_0 *wr[8]; /* a short last tile repeats its last row; only nr lanes are stored */
        for (int i = 0; i < 8; i++) wr[i] = (const block_q8_0 *)((const char *)w + (r + (i < nr ? i : nr - 1)) * wrow);
        q8_pack(wr, nb, quad, dx);
        for (int t = 0; t < ntok; t++) {
            /* the next tile's weights (contiguous rows) into L2 during the first npf tokens' passes over this one */
            int npf = ntok < 4 ? ntok : 4;
            int pfb = t < npf && r + 8 < r1 ? 8 * (int)sizeof(block_q8_0) / npf : 0;
            const char *pf = (const char *)w + (r + 8) * wrow + (size_t)t * pfb * nb;
            __m256 v = q8_tile_token(nb, quad, dx, (const block_q8_0 *)((const char *)xa + t * arow), pf, pfb);
            float *o = out + (int64_t)t * rows + r;
            if (nr == 8) {
                _mm256_storeu_ps(o, v);
            } else {
                float tmp[8];
                _mm256_storeu_ps(tmp, v);
                memcpy(o, tmp, (size_t)nr * sizeof(float));
            }
        }
    }
    free(scratch);
    return 0;
}
