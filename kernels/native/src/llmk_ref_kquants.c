/* Scalar reference K-quant dot products (Q2_K .. Q6_K weights x Q8_K activations): Q6_K written from ggml's generic
 * definition, Q2_K .. Q5_K in the engine's own order (below); split from llmk_ref.c, whose
 * table (llmk_fill_ref) points here. */
#include "llmk_internal.h"

/* ---------------- K-quants x Q8_K ---------------- */

/* Q2_K / Q3_K: the engine's order, the contract every path meets (the Java reference Q2KFormat.dot / Q3KFormat.dot,
 * the AVX2 and AVX-512 tiles of llmk_quant_tiles.inc, the packed kernel llmk_avx512_q23k_x16.c). Sub-block j holds
 * elements 16j .. 16j + 15 (j = 8k + 2s + h: bits 2s of qs[32k + 16h + l], l = 0..15). Per super-block exact integers
 *   Q2_K: S = sum_j (scales[j] & 15) * sum_l q[16j + l] * q8[16j + l],   M = sum_j (scales[j] >> 4) * bsums[j],
 *         acc = fmaf((float)S, d * dy, acc);   acc = fmaf(-(float)M, dmin * dy, acc);
 *   Q3_K: S = sum_j (scale6_j - 32) * sum_l (q[16j + l] - 4) * q8[16j + l]   (q = 2 low bits | hmask bit << 2),
 *         acc = fmaf((float)S, d * dy, acc);
 * from acc = 0, super-blocks in order. NOTE: not ggml's order (Q2_K: a float product per super-block; Q3_K: 8 float
 * lanes summed at the end). The integers are exact, so a kernel may reach them in any grouping (Q3_K's SIMD paths
 * as sum_j (scale6_j - 32) (sum_l q q8 - 4 bsums[j]), q unsigned for vpdpbusd) and then meet the same roundings: one
 * result on every ISA, token count and layout. Bounds (|q8| <= 128, |bsums| <= 2048): Q2_K |S| <= 16 * 15 * 16 * 3 *
 * 128 < 2^21, |M| <= 16 * 15 * 2048 < 2^19; Q3_K |S| <= 16 * 32 * 16 * 4 * 128 = 2^22; every partial sum is smaller,
 * so int32 never overflows and (float)S, (float)M are exact. */
static inline int k23_level(const uint8_t *qs, int j, int l) {
    return (qs[32 * (j / 8) + 16 * (j & 1) + l] >> (2 * ((j % 8) / 2))) & 3;
}

void llmk_vec_dot_q2_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q2_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float acc = 0;
        for (int64_t i = 0; i < n / QK_K; i++) {
            int32_t S = 0, M = 0;
            for (int j = 0; j < 16; j++) {
                int32_t dot = 0;
                for (int l = 0; l < 16; l++) dot += k23_level(a[i].qs, j, l) * b[i].qs[16 * j + l];
                S += (a[i].scales[j] & 0xF) * dot;
                M += (a[i].scales[j] >> 4) * b[i].bsums[j];
            }
            acc = fmaf((float)S, llmk_h2f(a[i].d) * b[i].d, acc);
            acc = fmaf(-(float)M, llmk_h2f(a[i].dmin) * b[i].d, acc);
        }
        s[t] = acc;
    })
}

void llmk_vec_dot_q3_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q3_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float acc = 0;
        for (int64_t i = 0; i < n / QK_K; i++) {
            uint8_t scales[16];
            llmk_q3_k_scales(a[i].scales, scales);
            int32_t S = 0;
            for (int j = 0; j < 16; j++) {
                /* high bit of element e = 16j + l: bit e / 32 = 4 (j / 8) + (j % 8) / 2 of hmask[e % 32] */
                int hshift = 4 * (j / 8) + (j % 8) / 2;
                int32_t dot = 0;
                for (int l = 0; l < 16; l++) {
                    int q = k23_level(a[i].qs, j, l) | ((a[i].hmask[16 * (j & 1) + l] >> hshift) & 1) << 2;
                    dot += (q - 4) * b[i].qs[16 * j + l];
                }
                S += (scales[j] - 32) * dot;
            }
            acc = fmaf((float)S, llmk_h2f(a[i].d) * b[i].d, acc);
        }
        s[t] = acc;
    })
}

/* Q4_K / Q5_K: the engine's order, the contract every path meets (the Java reference Q45KFormats.dot, the AVX2 and
 * AVX-512 tiles of llmk_quant_tiles.inc, the packed kernel llmk_avx512_q45k_x16.c). Per super-block two exact
 * integers,
 *   S = sum_j scale_j * sum_l q[32j + l] * q8[32j + l],   M = sum_j min_j * (bsums[2j] + bsums[2j + 1]),
 * then exactly two float steps from acc = 0, super-blocks in order:
 *   acc = fmaf((float)S, d * dy, acc);   acc = fmaf(-(float)M, dmin * dy, acc);
 * NOTE: not ggml's order (8 float lanes per super-block, added at the end). Integer sums are exact, so any layout
 * and vector width reaches the same S and M by any reduction order and then meets these two roundings: results are
 * bit-identical across ISAs, token counts and the packed or file layout, at two float steps per super-block.
 * |S| < 2^26, |M| < 2^21: no int32 overflow. */
static float k4_k5_block(const uint8_t *q4, const uint8_t *qh, const uint8_t *packed, uint16_t d16, uint16_t dmin16,
                         const block_q8_K *b, float acc) {
    int32_t S = 0, M = 0;
    for (int j = 0; j < QK_K / 32; j++) {
        uint8_t scale, min;
        llmk_k4_scale_min(j, packed, &scale, &min);
        /* sub-block j: nibbles of q4[32 (j / 2) + l], low for even j, high for odd; fifth bit j of qh[l] */
        const uint8_t *q = q4 + 32 * (j / 2);
        int32_t dot = 0;
        for (int l = 0; l < 32; l++) {
            int v = (j & 1 ? q[l] >> 4 : q[l] & 0xF) | (qh && (qh[l] >> j & 1) ? 16 : 0);
            dot += v * b->qs[32 * j + l];
        }
        S += scale * dot;
        M += min * (b->bsums[2 * j] + b->bsums[2 * j + 1]);
    }
    acc = fmaf((float)S, llmk_h2f(d16) * b->d, acc);
    return fmaf(-(float)M, llmk_h2f(dmin16) * b->d, acc);
}

void llmk_vec_dot_q4_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q4_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float acc = 0;
        for (int64_t i = 0; i < n / QK_K; i++)
            acc = k4_k5_block(a[i].qs, NULL, a[i].scales, a[i].d, a[i].dmin, &b[i], acc);
        s[t] = acc;
    })
}

void llmk_vec_dot_q5_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q5_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float acc = 0;
        for (int64_t i = 0; i < n / QK_K; i++)
            acc = k4_k5_block(a[i].qs, a[i].qh, a[i].scales, a[i].d, a[i].dmin, &b[i], acc);
        s[t] = acc;
    })
}

void llmk_vec_dot_q6_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q6_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float sums[8] = {0};
        for (int64_t i = 0; i < n / QK_K; i++) {
            int8_t q[QK_K];
            const uint8_t *ql = a[i].ql, *qh = a[i].qh;
            int8_t *pa = q;
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; l++) {
                    pa[l + 0] = (int8_t)((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    pa[l + 32] = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    pa[l + 64] = (int8_t)((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    pa[l + 96] = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                }
                pa += 128;
                ql += 64;
                qh += 32;
            }
            int32_t aux32[8] = {0};
            const int8_t *q8 = b[i].qs;
            pa = q;
            for (int j = 0; j < QK_K / 16; j++) {
                int scale = a[i].scales[j];
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 8; l++) aux32[l] += scale * (int16_t)(q8[l] * pa[l]);
                    q8 += 8;
                    pa += 8;
                }
            }
            float d = llmk_h2f(a[i].d) * b[i].d;
            for (int l = 0; l < 8; l++) sums[l] += d * aux32[l];
        }
        float sumf = 0;
        for (int l = 0; l < 8; l++) sumf += sums[l];
        s[t] = sumf;
    })
}
