/* AVX-512 matmul for F16 (and F32) weights x f32 activations (compiled with -mavx512f/bw/vl/dq -mf16c -mfma).
 *
 * Arithmetic per output (weight row r x token t), whatever the token count: ggml_vec_dot_f16 / _f32's order on
 * AVX-512 (4 accumulators over whole 64-element steps, the pairwise reduction and the tail of llmk_avx512.c's
 * finish functions), so a token's result is the same alone and in any batch.
 *
 * Speed comes from register blocking, not from a different order: up to 4 rows x 1 token or 2 rows x 2 tokens of
 * 4-accumulator sets, so each converted weight vector feeds several FMAs and the independent chains hide the FMA
 * latency. */
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))

/* The per-output reductions and the tiled F32 dot (llmk_avx512.c). */
LLMK_HIDDEN float llmk_f16_vec_finish_avx512(const __m512 *acc, int64_t np, int64_t n, const uint16_t *a,
                                             const float *b);
LLMK_HIDDEN void llmk_vec_dot_f32_f32_avx512(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s);

/* F32 weights: row by row through the tiled dot (tiles of up to 8 tokens, the same per-output order). */
int llmk_matmul_f32_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1) {
    (void)wtype;
    const float *wf = (const float *)w, *x = (const float *)xa;
    for (int64_t r = r0; r < r1; r++) {
        for (int t = 0; t < ntok; t += LLMK_MAX_TILE) {
            int nt = ntok - t < LLMK_MAX_TILE ? ntok - t : LLMK_MAX_TILE;
            float s[LLMK_MAX_TILE];
            llmk_vec_dot_f32_f32_avx512(cols, wf + r * cols, x + (int64_t)t * cols, (size_t)cols * 4, nt, s);
            for (int j = 0; j < nt; j++) out[(int64_t)(t + j) * rows + r] = s[j];
        }
    }
    return 0;
}

/* Rows [r, r + RT) x tokens [t, t + TT) of F16 weights; x: f32 [ntok][cols], out: f32 [ntok][rows]. */
INLINE void tile(int RT, int TT, const uint16_t *w, int64_t cols, const float *x, float *out, int64_t rows, int64_t r,
                 int t) {
    __m512 acc[4][2][4];
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < TT; j++)
            for (int k = 0; k < 4; k++) acc[i][j][k] = _mm512_setzero_ps();
    const uint16_t *wr[4];
    const float *xt[2];
    for (int i = 0; i < RT; i++) wr[i] = w + (r + i) * cols;
    for (int j = 0; j < TT; j++) xt[j] = x + (int64_t)(t + j) * cols;
    int64_t np = cols & ~(int64_t)63;
    for (int64_t c = 0; c < np; c += 64) {
        for (int i = 0; i < RT; i++) {
            _mm_prefetch((const char *)(wr[i] + c) + 2048, _MM_HINT_T0);
            _mm_prefetch((const char *)(wr[i] + c) + 2048 + 64, _MM_HINT_T0);
        }
        for (int k = 0; k < 4; k++) {
            __m512 wv[4];
            for (int i = 0; i < RT; i++) wv[i] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr[i] + c + 16 * k)));
            for (int j = 0; j < TT; j++) {
                __m512 xv = _mm512_loadu_ps(xt[j] + c + 16 * k);
                for (int i = 0; i < RT; i++) acc[i][j][k] = _mm512_fmadd_ps(wv[i], xv, acc[i][j][k]);
            }
        }
    }
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < TT; j++)
            out[(int64_t)(t + j) * rows + r + i] = llmk_f16_vec_finish_avx512(acc[i][j], np, cols, wr[i], xt[j]);
}

int llmk_matmul_f16_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1) {
    (void)wtype;
    const uint16_t *wh = (const uint16_t *)w;
    const float *x = (const float *)xa;
    if (ntok == 1) {
        int64_t r = r0;
        for (; r + 4 <= r1; r += 4) tile(4, 1, wh, cols, x, out, rows, r, 0);
        for (; r < r1; r++) tile(1, 1, wh, cols, x, out, rows, r, 0);
        return 0;
    }
    /* token blocks whose activations (f32) stay within ~512 KB of L2 while every row pair passes over them */
    int block = (int)((512 * 1024) / ((size_t)cols * 4)) & ~1;
    if (block < 2) block = 2;
    for (int t0 = 0; t0 < ntok; t0 += block) {
        int te = t0 + block < ntok ? t0 + block : ntok;
        for (int64_t r = r0; r < r1; r += 2) {
            int rt = r1 - r < 2 ? 1 : 2;
            for (int t = t0; t < te; t += 2) {
                int tt = te - t < 2 ? 1 : 2;
                if (rt == 2 && tt == 2) tile(2, 2, wh, cols, x, out, rows, r, t);
                else if (rt == 2) tile(2, 1, wh, cols, x, out, rows, r, t);
                else if (tt == 2) tile(1, 2, wh, cols, x, out, rows, r, t);
                else tile(1, 1, wh, cols, x, out, rows, r, t);
            }
        }
    }
    return 0;
}
