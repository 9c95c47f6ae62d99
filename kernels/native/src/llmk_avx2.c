/* AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c; only called when CPUID reports them).
 * Multi-token dots load and unpack each weight block once, then multiply it with up to LLMK_MAX_TILE tokens'
 * activation blocks; the per-token loops are specialised for each tile size so accumulators stay in registers.
 * Activation quantizers and attention live in llmk_avx2_misc.c. */
#include <stdlib.h>

#include "llmk_avx2_util.h"

#define LLMK_SFX(name) name##_avx2
#define LLMK_KV_H2F(h) _cvtsh_ss(h)
#include "llmk_elementwise.inc"


/* ---------------- f32 / f16 weights x f32 activations ---------------- */

INLINE void dot_f32_tile(int NT, int64_t n, const float *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 wv = _mm256_loadu_ps(a + i);
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps((const float *)((const char *)x + t * bx) + i), acc[t]);
    }
    for (int t = 0; t < NT; t++) {
        float sum = hsum8(acc[t]);
        const float *b = (const float *)((const char *)x + t * bx);
        for (int64_t j = i; j < n; j++) sum += a[j] * b[j];
        s[t] = sum;
    }
}

static void dot_f16_1(int64_t n, const uint16_t *a, const float *b, float *s) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH, _MM_HINT_T0);
        acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i))), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 8))),
                               _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 16))),
                               _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i + 24))),
                               _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8)
        acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i))), _mm256_loadu_ps(b + i), acc0);
    float sum = hsum8(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
    for (; i < n; i++) sum += _cvtsh_ss(a[i]) * b[i];
    s[0] = sum;
}

INLINE void dot_f16_tile(int NT, int64_t n, const uint16_t *a, const void *x, size_t bx, float *s) {
    if (NT == 1) {
        dot_f16_1(n, a, (const float *)x, s);
        return;
    }
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 wv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i)));
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps((const float *)((const char *)x + t * bx) + i), acc[t]);
    }
    for (int t = 0; t < NT; t++) {
        float sum = hsum8(acc[t]);
        const float *b = (const float *)((const char *)x + t * bx);
        for (int64_t j = i; j < n; j++) sum += _cvtsh_ss(a[j]) * b[j];
        s[t] = sum;
    }
}

#define F32_CASE(NT, n, a, x, bx, s) dot_f32_tile(NT, n, a, x, bx, s)
#define F16_CASE(NT, n, a, x, bx, s) dot_f16_tile(NT, n, a, x, bx, s)

void llmk_vec_dot_f32_f32_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F32_CASE, n, (const float *)w, x, bx, s)
}

void llmk_vec_dot_f16_f32_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(F16_CASE, n, (const uint16_t *)w, x, bx, s)
}

/* ---------------- Q4_0 / Q8_0 weights x Q8_0 ---------------- */

INLINE __m256i unpack_q4(const uint8_t *qs) { /* 16 bytes -> 32 values 0..15 in element order */
    __m128i t = _mm_loadu_si128((const __m128i *)qs);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(t, 4), t), _mm256_set1_epi8(0x0F));
}

INLINE void dot_q4_0_tile(int NT, int64_t nb, const block_q4_0 *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m256i wq = _mm256_sub_epi8(unpack_q4(a[i].qs), _mm256_set1_epi8(8));
        __m256i aw = _mm256_sign_epi8(wq, wq);
        __m256 dw = _mm256_set1_ps(_cvtsh_ss(a[i].d));
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)((const char *)x + t * bx) + i;
            __m256i p = dot_i8(aw, wq, _mm256_loadu_si256((const __m256i *)b->qs));
            __m256 d = _mm256_mul_ps(dw, _mm256_set1_ps(_cvtsh_ss(b->d)));
            acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

INLINE void dot_q8_0_tile(int NT, int64_t nb, const block_q8_0 *a, const void *x, size_t bx, float *s) {
    __m256 acc[LLMK_MAX_TILE];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m256i wq = _mm256_loadu_si256((const __m256i *)a[i].qs);
        __m256i aw = _mm256_sign_epi8(wq, wq);
        __m256 dw = _mm256_set1_ps(_cvtsh_ss(a[i].d));
        for (int t = 0; t < NT; t++) {
            const block_q8_0 *b = (const block_q8_0 *)((const char *)x + t * bx) + i;
            __m256i p = dot_i8(aw, wq, _mm256_loadu_si256((const __m256i *)b->qs));
            __m256 d = _mm256_mul_ps(dw, _mm256_set1_ps(_cvtsh_ss(b->d)));
            acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) s[t] = hsum8(acc[t]);
}

#define Q4_0_CASE(NT, nb, a, x, bx, s) dot_q4_0_tile(NT, nb, a, x, bx, s)
#define Q8_0_CASE(NT, nb, a, x, bx, s) dot_q8_0_tile(NT, nb, a, x, bx, s)

void llmk_vec_dot_q4_0_q8_0_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q4_0_CASE, n / QK8_0, (const block_q4_0 *)w, x, bx, s)
}

void llmk_vec_dot_q8_0_q8_0_avx2(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    TILE_SWITCH(Q8_0_CASE, n / QK8_0, (const block_q8_0 *)w, x, bx, s)
}

/* ---------------- matmul fast path for Q4_0 / Q8_0 weights ----------------
 * The activation side of a Q8_0 block (its scale dy and, for Q4_0, dy * sum(qs)) does not depend on the weight
 * row, so the matmul computes it once per call instead of once per row and token:
 *   Q4_0: dot = dx * (dy * sum(wu * y) - dy * sum(y) * 8), wu = stored nibble 0..15, so maddubs takes wu as is;
 *   Q8_0: dot = dx * dy * sum(w * y) with the sign trick.
 * Per token and block this leaves maddubs, madd, convert and two float ops. */

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

/* One token: two accumulators on alternate blocks, so the FMA latency chain does not bound the loop. */
static void q4_0_prepared_1(int64_t nb, const block_q4_0 *a, const char *x, const act_side *side, float *s) {
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

INLINE void q4_0_prepared(int NT, int64_t nb, const block_q4_0 *a, const char *x, size_t bx, const act_side *side,
                          float *s) {
    if (NT == 1) {
        q4_0_prepared_1(nb, a, x, side, s);
        return;
    }
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

static void q8_0_prepared_1(int64_t nb, const block_q8_0 *a, const char *x, const act_side *side, float *s) {
    const block_q8_0 *b = (const block_q8_0 *)x;
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < nb; i++) {
        _mm_prefetch((const char *)(a + i) + LLMK_PREFETCH, _MM_HINT_T0);
        __m256i wq = _mm256_loadu_si256((const __m256i *)a[i].qs);
        __m256i p = dot_i8(_mm256_sign_epi8(wq, wq), wq, _mm256_loadu_si256((const __m256i *)b[i].qs));
        __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(p), _mm256_broadcast_ss(&side[i].d));
        acc[i & 1] = _mm256_fmadd_ps(f, _mm256_broadcast_ss(&llmk_f16_table[a[i].d]), acc[i & 1]);
    }
    s[0] = hsum8(_mm256_add_ps(acc[0], acc[1]));
}

INLINE void q8_0_prepared(int NT, int64_t nb, const block_q8_0 *a, const char *x, size_t bx, const act_side *side,
                          float *s) {
    if (NT == 1) {
        q8_0_prepared_1(nb, a, x, side, s);
        return;
    }
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

static int matmul_q8_0_family(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                               float *out, int64_t r0, int64_t r1) {
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

void llmk_fill_avx2(llmk_table *t) {
    t->dot[LLMK_TYPE_F32] = llmk_vec_dot_f32_f32_avx2;
    t->dot[LLMK_TYPE_F16] = llmk_vec_dot_f16_f32_avx2;
    t->dot[LLMK_TYPE_Q4_0] = llmk_vec_dot_q4_0_q8_0_avx2;
    t->dot[LLMK_TYPE_Q8_0] = llmk_vec_dot_q8_0_q8_0_avx2;
    t->dot[LLMK_TYPE_Q4_K] = llmk_vec_dot_q4_K_q8_K_avx2;
    t->dot[LLMK_TYPE_Q6_K] = llmk_vec_dot_q6_K_q8_K_avx2;
    t->quantize[LLMK_TYPE_Q8_0] = llmk_quantize_row_q8_0_avx2;
    t->quantize[LLMK_TYPE_Q8_K] = llmk_quantize_row_q8_K_avx2;
    t->matmul[LLMK_TYPE_Q4_0] = matmul_q8_0_family;
    t->matmul[LLMK_TYPE_Q8_0] = matmul_q8_0_family;
    fill_elementwise_avx2(t);
    t->attention_item = llmk_attention_item_avx2;
}
