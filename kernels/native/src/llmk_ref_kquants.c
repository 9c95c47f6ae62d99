/* Scalar reference K-quant dot products (Q2_K .. Q6_K weights x Q8_K activations), written from ggml's
 * generic definitions, except Q4_K / Q5_K, which follow the engine's own order (below); split from llmk_ref.c, whose
 * table (llmk_fill_ref) points here. */
#include "llmk_internal.h"

/* ---------------- K-quants x Q8_K ---------------- */

void llmk_vec_dot_q2_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q2_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK_K; i++) {
            const uint8_t *q2 = a[i].qs, *sc = a[i].scales;
            const int8_t *q8 = b[i].qs;
            int summs = 0;
            for (int j = 0; j < 16; j++) summs += b[i].bsums[j] * (sc[j] >> 4);
            float dall = b[i].d * llmk_h2f(a[i].d), dmin = b[i].d * llmk_h2f(a[i].dmin);
            int isum = 0, is = 0;
            for (int k = 0; k < QK_K / 128; k++) {
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int half = 0; half < 2; half++) {
                        int d = sc[is++] & 0xF, isuml = 0;
                        for (int l = 16 * half; l < 16 * half + 16; l++) isuml += q8[l] * ((q2[l] >> shift) & 3);
                        isum += d * isuml;
                    }
                    q8 += 32;
                }
                q2 += 32;
            }
            sumf += dall * isum - dmin * summs;
        }
        s[t] = sumf;
    })
}

/* Unpacks Q3_K's 16 6-bit scales (biased by 32) into signed bytes. */
static void q3_k_scales(const uint8_t *packed, int8_t *out) {
    uint32_t aux[4];
    const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
    memcpy(aux, packed, 12);
    uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    memcpy(out, aux, 16);
}

void llmk_vec_dot_q3_K_q8_K_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q3_K *a = w;
    FOR_TOKENS({
        const block_q8_K *b = xt;
        float sums[8] = {0};
        for (int64_t i = 0; i < n / QK_K; i++) {
            int8_t q[QK_K], scales[16];
            const uint8_t *q3 = a[i].qs, *hm = a[i].hmask;
            int8_t *pa = q;
            uint8_t m = 1;
            for (int j = 0; j < QK_K; j += 128) {
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int l = 0; l < 32; l++) pa[l] = (int8_t)(((q3[l] >> shift) & 3) - ((hm[l] & m) ? 0 : 4));
                    pa += 32;
                    m <<= 1;
                }
                q3 += 32;
            }
            q3_k_scales(a[i].scales, scales);
            int32_t aux32[8] = {0};
            const int8_t *q8 = b[i].qs;
            pa = q;
            for (int j = 0; j < QK_K / 16; j++) {
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 8; l++) aux32[l] += (scales[j] - 32) * (int16_t)(q8[l] * pa[l]);
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
