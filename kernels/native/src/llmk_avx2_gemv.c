/* AVX2 one-token matmul (decode) for Q4_0 / Q8_0 weights x Q8_0 activations: out[r] = W[r] . x for r in [r0, r1).
 * Memory-bound: each weight byte is read once, so the loop is kept short and prefetches ahead.
 *   Q4_0: dot = dx * (dy * sum(wu * y) - dy * sum(y) * 8), wu = stored nibble 0..15, so maddubs takes wu as is;
 *   Q8_0: dot = dx * dy * sum(w * y) with the sign trick.
 * The activation side (dy, dy * sum(y)) is computed once per call, not once per row. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

typedef struct { float d, c; } act_side; /* per activation block: d = dy, c = dy * sum(qs) */

static void prepare_one(const block_q8_0 *y, int64_t nb, act_side *side) {
    for (int64_t b = 0; b < nb; b++) {
        int sum = 0;
        for (int j = 0; j < QK8_0; j++) sum += y[b].qs[j];
        float d = _cvtsh_ss(y[b].d);
        side[b].d = d;
        side[b].c = d * (float)sum;
    }
}

/* One token: two accumulators on alternate blocks, so the FMA latency chain does not bound the loop. */
static void q4_0_row(int64_t nb, const block_q4_0 *a, const char *x, const act_side *side, float *s) {
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i shifts = _mm256_setr_epi64x(0, 0, 4, 4), m4 = _mm256_set1_epi8(0x0F);
    const block_q8_0 *b = (const block_q8_0 *)x;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 2 <= nb; i += 2) {
        _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH, _MM_HINT_T0);
        __m256i q0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a[i].qs));
        __m256i q1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a[i + 1].qs));
        __m256i w0 = _mm256_and_si256(_mm256_srlv_epi64(q0, shifts), m4);
        __m256i w1 = _mm256_and_si256(_mm256_srlv_epi64(q1, shifts), m4);
        __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(w0, _mm256_loadu_si256((const __m256i *)b[i].qs)), ones);
        __m256i p1 =
            _mm256_madd_epi16(_mm256_maddubs_epi16(w1, _mm256_loadu_si256((const __m256i *)b[i + 1].qs)), ones);
        __m256 f0 = _mm256_fmsub_ps(_mm256_cvtepi32_ps(p0), _mm256_broadcast_ss(&side[i].d),
                                    _mm256_broadcast_ss(&side[i].c));
        __m256 f1 = _mm256_fmsub_ps(_mm256_cvtepi32_ps(p1), _mm256_broadcast_ss(&side[i + 1].d),
                                    _mm256_broadcast_ss(&side[i + 1].c));
        acc0 = _mm256_fmadd_ps(f0, _mm256_broadcast_ss(&llmk_f16_table[a[i].d]), acc0);
        acc1 = _mm256_fmadd_ps(f1, _mm256_broadcast_ss(&llmk_f16_table[a[i + 1].d]), acc1);
    }
    for (; i < nb; i++) {
        __m256i q0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a[i].qs));
        __m256i w0 = _mm256_and_si256(_mm256_srlv_epi64(q0, shifts), m4);
        __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(w0, _mm256_loadu_si256((const __m256i *)b[i].qs)), ones);
        __m256 f0 = _mm256_fmsub_ps(_mm256_cvtepi32_ps(p0), _mm256_broadcast_ss(&side[i].d),
                                    _mm256_broadcast_ss(&side[i].c));
        acc0 = _mm256_fmadd_ps(f0, _mm256_broadcast_ss(&llmk_f16_table[a[i].d]), acc0);
    }
    s[0] = hsum8(_mm256_add_ps(acc0, acc1));
}

/* llama.cpp's x86 Q8_0 dot exactly: one accumulator, acc = fma(dx * dy, isum, acc) block by block. */
static void q8_0_row(int64_t nb, const block_q8_0 *a, const char *x, const act_side *side, float *s) {
    const block_q8_0 *b = (const block_q8_0 *)x;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH, _MM_HINT_T0);
        __m256i wq = _mm256_loadu_si256((const __m256i *)a[i].qs);
        __m256i p = dot_i8(_mm256_sign_epi8(wq, wq), wq, _mm256_loadu_si256((const __m256i *)b[i].qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(llmk_f16_table[a[i].d] * side[i].d), _mm256_cvtepi32_ps(p), acc);
    }
    s[0] = hsum8(acc);
}

int llmk_gemv_q8_0_family_avx2(int wtype, const void *w, int64_t cols, const void *xa, float *out, int64_t r0,
                               int64_t r1) {
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)nb * (wtype == LLMK_TYPE_Q4_0 ? sizeof(block_q4_0) : sizeof(block_q8_0));
    act_side stack_side[4096];
    act_side *side = nb <= 4096 ? stack_side : malloc((size_t)nb * sizeof(act_side));
    if (!side) return -2;
    prepare_one((const block_q8_0 *)xa, nb, side);
    for (int64_t r = r0; r < r1; r++) {
        const void *wr = (const char *)w + r * wrow;
        if (wtype == LLMK_TYPE_Q4_0) {
            q4_0_row(nb, (const block_q4_0 *)wr, (const char *)xa, side, out + r);
        } else {
            q8_0_row(nb, (const block_q8_0 *)wr, (const char *)xa, side, out + r);
        }
    }
    if (side != stack_side) free(side);
    return 0;
}
