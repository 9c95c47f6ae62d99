/* AVX-512 matmul for F16 (and F32) weights x f32 activations (compiled with -mavx512f/bw/vl/dq -mf16c -mfma).
 *
 * Arithmetic per output (weight row r x token t), as llama.cpp on AVX-512: for more than one token, tinyBLAS's order
 * (one 16-lane f32 accumulator, acc = fma(w[i..i+16), x[i..i+16), acc) over the whole 16-element steps in order,
 * _mm512_reduce_add_ps, then any tail one element at a time); for one token (llama.cpp only runs tinyBLAS for
 * batches) ggml_vec_dot_f16 / _f32's order (llmk_avx512.c).
 *
 * Speed comes from register blocking, not from a different order: 4 rows x up to 4 tokens of accumulators, so each
 * converted weight vector feeds up to 4 FMAs and the 16 chains hide the FMA latency (one row and one token alone is
 * latency-bound at about half the memory bandwidth). */
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))

/* ggml_vec_dot orders and the tinyBLAS-order F32 dot (llmk_avx512.c). */
LLMK_HIDDEN float llmk_dot_f16_vec_avx512(int64_t n, const uint16_t *a, const float *b);
LLMK_HIDDEN float llmk_dot_f32_vec_avx512(int64_t n, const float *a, const float *b);
LLMK_HIDDEN void llmk_vec_dot_f32_f32_avx512(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s);

INLINE float tail(float sum, const uint16_t *w, const float *x, int64_t i, int64_t n) {
    for (; i < n; i++) sum = fmaf(_cvtsh_ss(w[i]), x[i], sum); /* tinyBLAS's tail, as its compiler contracts it */
    return sum;
}

/* F32 weights: llama.cpp's orders (one token: ggml_vec_dot_f32; more: tinyBLAS, its tail after the reduction). */
int llmk_matmul_f32_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1) {
    (void)wtype;
    const float *wf = (const float *)w, *x = (const float *)xa;
    for (int64_t r = r0; r < r1; r++) {
        for (int t = 0; t < ntok; t += LLMK_MAX_TILE) {
            int nt = ntok - t < LLMK_MAX_TILE ? ntok - t : LLMK_MAX_TILE;
            float s[LLMK_MAX_TILE];
            if (ntok == 1) {
                for (int j = 0; j < nt; j++) s[j] = llmk_dot_f32_vec_avx512(cols, wf + r * cols, x + (int64_t)(t + j) * cols);
            } else {
                llmk_vec_dot_f32_f32_avx512(cols, wf + r * cols, x + (int64_t)t * cols, (size_t)cols * 4, nt, s);
            }
            for (int j = 0; j < nt; j++) out[(int64_t)(t + j) * rows + r] = s[j];
        }
    }
    return 0;
}

/* Rows [r, r + RT) x tokens [t, t + TT); x: f32 [ntok][cols], out: f32 [ntok][rows]. */
INLINE void tile(int RT, int TT, const uint16_t *w, int64_t cols, const float *x, float *out, int64_t rows, int64_t r,
                 int t) {
    __m512 acc[4][4];
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < TT; j++) acc[i][j] = _mm512_setzero_ps();
    const uint16_t *wr[4];
    const float *xt[4];
    for (int i = 0; i < RT; i++) wr[i] = w + (r + i) * cols;
    for (int j = 0; j < TT; j++) xt[j] = x + (int64_t)(t + j) * cols;
    int64_t n16 = cols & ~(int64_t)15;
    for (int64_t k = 0; k < n16; k += 16) {
        __m512 wv[4];
        for (int i = 0; i < RT; i++) {
            _mm_prefetch((const char *)(wr[i] + k) + 1024, _MM_HINT_T0);
            wv[i] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(wr[i] + k)));
        }
        for (int j = 0; j < TT; j++) {
            __m512 xv = _mm512_loadu_ps(xt[j] + k);
            for (int i = 0; i < RT; i++) acc[i][j] = _mm512_fmadd_ps(wv[i], xv, acc[i][j]);
        }
    }
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < TT; j++)
            out[(int64_t)(t + j) * rows + r + i] = tail(_mm512_reduce_add_ps(acc[i][j]), wr[i], xt[j], n16, cols);
}

#define TILE_TT(RT, TT, ...)                  \
    switch (TT) {                             \
    case 1: tile(RT, 1, __VA_ARGS__); break;  \
    case 2: tile(RT, 2, __VA_ARGS__); break;  \
    case 3: tile(RT, 3, __VA_ARGS__); break;  \
    default: tile(RT, 4, __VA_ARGS__); break; \
    }


int llmk_matmul_f16_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                           float *out, int64_t r0, int64_t r1) {
    (void)wtype;
    const uint16_t *wh = (const uint16_t *)w;
    const float *x = (const float *)xa;
    if (ntok == 1) { /* llama.cpp's ggml_vec_dot_f16 order (see llmk_avx512.c) */
        for (int t = 0; t < ntok; t++)
            for (int64_t r = r0; r < r1; r++)
                out[(int64_t)t * rows + r] = llmk_dot_f16_vec_avx512(cols, wh + r * cols, x + (int64_t)t * cols);
        return 0;
    }
    /* token blocks whose activations (f32) stay within ~512 KB of L2 while every row tile passes over them */
    int block = (int)((512 * 1024) / ((size_t)cols * 4)) & ~3;
    if (block < 4) block = 4;
    for (int t0 = 0; t0 < ntok; t0 += block) {
        int te = t0 + block < ntok ? t0 + block : ntok;
        for (int64_t r = r0; r < r1; r += 4) {
            int rt = r1 - r < 4 ? (int)(r1 - r) : 4;
            for (int t = t0; t < te; t += 4) {
                int tt = te - t < 4 ? te - t : 4;
                switch (rt) {
                case 1: TILE_TT(1, tt, wh, cols, x, out, rows, r, t) break;
                case 2: TILE_TT(2, tt, wh, cols, x, out, rows, r, t) break;
                case 3: TILE_TT(3, tt, wh, cols, x, out, rows, r, t) break;
                default: TILE_TT(4, tt, wh, cols, x, out, rows, r, t) break;
                }
            }
        }
    }
    return 0;
}
