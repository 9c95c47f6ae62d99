/* AVX2 many-token matmul (prefill, batched decode) for Q4_0 / Q8_0 weights x Q8_0 activations; one token goes to
 * llmk_gemv_q8_0_family_avx2 (llmk_avx2_gemv.c).
 * The activation side of a Q8_0 block (its scale dy and, for Q4_0, dy * sum(qs)) does not depend on the weight
 * row, so the matmul computes it once per call instead of once per row and token:
 *   Q4_0: dot = dx * (dy * sum(wu * y) - dy * sum(y) * 8), wu = stored nibble 0..15, so maddubs takes wu as is;
 *   Q8_0: dot = dx * dy * sum(w * y) with the sign trick.
 * Per token and block this leaves maddubs, madd, convert and two float ops. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

typedef struct { float d, c; } act_side; /* c = d * sum(qs) */

static void prepare_q8_0(const void *xa, size_t arow, int ntok, int64_t nb, act_side *side) {
    for (int t = 0; t < ntok; t++) {
        const block_q8_0 *y = (const block_q8_0 *)((const char *)xa + t * arow);
        for (int64_t b = 0; b < nb; b++) {
            int sum = 0;
            for (int j = 0; j < QK8_0; j++) sum += y[b].qs[j];
            float d = _cvtsh_ss(y[b].d);
            side[t * nb + b].d = d;
            side[t * nb + b].c = d * (float)sum;
        }
    }
}

INLINE void q4_0_prepared(int NT, int64_t nb, const block_q4_0 *a, const char *x, size_t bx, const act_side *side,
                          float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i shifts = _mm256_setr_epi64x(0, 0, 4, 4), m4 = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < nb; i++) {
        /* both 128-bit lanes get the 16 bytes; the upper lane is shifted to bring the high nibbles down */
        __m256i q = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a[i].qs));
        __m256i wu = _mm256_and_si256(_mm256_srlv_epi64(q, shifts), m4);
        __m256 dx = _mm256_broadcast_ss(&llmk_f16_table[a[i].d]);
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)(x + t * bx) + i;
            const act_side *as = side + t * nb + i;
            __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(wu, _mm256_loadu_si256((const __m256i *)b->qs)), ones);
            /* the final hsum adds 8 lanes, so subtracting c (= 8 * d * sum / 8) per lane removes 8 * d * sum */
            __m256 f = _mm256_fmsub_ps(_mm256_cvtepi32_ps(p), _mm256_broadcast_ss(&as->d), _mm256_broadcast_ss(&as->c));
            acc[t] = _mm256_fmadd_ps(f, dx, acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

INLINE void q8_0_prepared(int NT, int64_t nb, const block_q8_0 *a, const char *x, size_t bx, const act_side *side,
                          float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m256i wq = _mm256_loadu_si256((const __m256i *)a[i].qs);
        __m256i aw = _mm256_sign_epi8(wq, wq);
        __m256 dx = _mm256_broadcast_ss(&llmk_f16_table[a[i].d]);
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)(x + t * bx) + i;
            __m256i p = dot_i8(aw, wq, _mm256_loadu_si256((const __m256i *)b->qs));
            __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(p), _mm256_broadcast_ss(&side[t * nb + i].d));
            acc[t] = _mm256_fmadd_ps(f, dx, acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

#define Q4_0P_CASE(NT, nb, a, x, bx, side, s) q4_0_prepared(NT, nb, a, x, bx, side, s)
#define Q8_0P_CASE(NT, nb, a, x, bx, side, s) q8_0_prepared(NT, nb, a, x, bx, side, s)

int llmk_matmul_q8_0_family_avx2(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                 float *out, int64_t r0, int64_t r1) {
    if (ntok == 1) return llmk_gemv_q8_0_family_avx2(wtype, w, cols, xa, out, r0, r1);
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)nb * (wtype == LLMK_TYPE_Q4_0 ? sizeof(block_q4_0) : sizeof(block_q8_0));
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    act_side stack_side[4096];
    size_t need = (size_t)ntok * nb;
    act_side *side = need <= sizeof(stack_side) / sizeof(stack_side[0]) ? stack_side : malloc(need * sizeof(act_side));
    if (!side) return -2;
    prepare_q8_0(xa, arow, ntok, nb, side);
    float s[LLMK_MAX_TILE];
    for (int64_t r = r0; r < r1; r++) {
        const void *wr = (const char *)w + r * wrow;
        for (int t0 = 0; t0 < ntok; t0 += LLMK_MAX_TILE) {
            int nt = ntok - t0 < LLMK_MAX_TILE ? ntok - t0 : LLMK_MAX_TILE;
            const char *x = (const char *)xa + t0 * arow;
            const act_side *sd = side + (size_t)t0 * nb;
            if (wtype == LLMK_TYPE_Q4_0) {
                TILE_SWITCH(Q4_0P_CASE, nb, (const block_q4_0 *)wr, x, arow, sd, s)
            } else {
                TILE_SWITCH(Q8_0P_CASE, nb, (const block_q8_0 *)wr, x, arow, sd, s)
            }
            for (int t = 0; t < nt; t++) out[(int64_t)(t0 + t) * rows + r] = s[t];
        }
    }
    if (side != stack_side) free(side);
    return 0;
}

