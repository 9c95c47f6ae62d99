/* Scalar reference kernels, written from ggml's generic definitions (ggml-quants.c, ggml-cpu/quants.c).
 * Integer sums are exact; the float accumulation order follows ggml's generic code per block. */
#include "llmk_internal.h"

#define LLMK_SFX(name) name##_ref
#define LLMK_KV_H2F(h) llmk_h2f(h)
#define LLMK_SWIGLU_SIMD(g, u, n) 0 /* ggml's generic SwiGLU: expf for every element */
#include "llmk_elementwise.inc"

/* ---------------- activation quantization ---------------- */

/* Q8_0 activations as llama.cpp's x86 backend quantizes them (quantize_row_q8_0, AVX2 path): d = amax / 127 stored
 * as f16, values scaled by 127 / amax and rounded half to even. (ggml's quantize_row_q8_0_ref, used for weight files,
 * scales by 1 / d and rounds half away from zero: a different last bit now and then.) */
void llmk_quantize_row_q8_0_ref(const float *x, void *vy, int64_t n) {
    block_q8_0 *y = vy;
    for (int64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        float amax = 0;
        for (int j = 0; j < QK8_0; j++) amax = fmaxf(amax, fabsf(x[j]));
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = llmk_f2h(amax / 127.0f);
        for (int j = 0; j < QK8_0; j++) y[i].qs[j] = (int8_t)llmk_nearest_int(x[j] * id);
    }
}

void llmk_quantize_row_q8_1_ref(const float *x, void *vy, int64_t n) {
    block_q8_1 *y = vy;
    for (int64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        float amax = 0;
        for (int j = 0; j < QK8_0; j++) amax = fmaxf(amax, fabsf(x[j]));
        float d = amax / 127.0f;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y[i].d = llmk_f2h(d);
        int sum = 0;
        for (int j = 0; j < QK8_0 / 2; j++) {
            int8_t a = (int8_t)roundf(x[j] * id), b = (int8_t)roundf(x[j + 16] * id);
            y[i].qs[j] = a;
            y[i].qs[j + 16] = b;
            sum += a + b;
        }
        y[i].s = llmk_f2h((float)sum * d);
    }
}

void llmk_quantize_row_q8_K_ref(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; j++) {
            float ax = fabsf(x[j]);
            if (ax > amax) { amax = ax; max = x[j]; }
        }
        if (amax == 0) {
            memset(&y[i], 0, sizeof(block_q8_K));
            continue;
        }
        float iscale = -127.f / max;
        for (int j = 0; j < QK_K; j++) {
            int v = llmk_nearest_int(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) sum += y[i].qs[j * 16 + l];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

/* ---------------- float weights x f32 activations ---------------- */

void llmk_vec_dot_f32_f32_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const float *a = w;
    FOR_TOKENS({
        const float *b = xt;
        double sum = 0;
        for (int64_t i = 0; i < n; i++) sum += (double)a[i] * b[i];
        s[t] = (float)sum;
    })
}

void llmk_vec_dot_f16_f32_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const uint16_t *a = w;
    FOR_TOKENS({
        const float *b = xt;
        double sum = 0;
        for (int64_t i = 0; i < n; i++) sum += (double)llmk_h2f(a[i]) * b[i];
        s[t] = (float)sum;
    })
}

void llmk_vec_dot_bf16_f32_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const uint16_t *a = w;
    FOR_TOKENS({
        const float *b = xt;
        double sum = 0;
        for (int64_t i = 0; i < n; i++) sum += (double)llmk_bf2f(a[i]) * b[i];
        s[t] = (float)sum;
    })
}

/* ---------------- 32-element quants ---------------- */

void llmk_vec_dot_q4_0_q8_0_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q4_0 *a = w;
    FOR_TOKENS({
        const block_q8_0 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int v0 = (a[i].qs[j] & 0x0F) - 8, v1 = (a[i].qs[j] >> 4) - 8;
                sumi += v0 * b[i].qs[j] + v1 * b[i].qs[j + 16];
            }
            sumf += sumi * llmk_h2f(a[i].d) * llmk_h2f(b[i].d);
        }
        s[t] = sumf;
    })
}

void llmk_vec_dot_q4_1_q8_1_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q4_1 *a = w;
    FOR_TOKENS({
        const block_q8_1 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                sumi += (a[i].qs[j] & 0x0F) * b[i].qs[j] + (a[i].qs[j] >> 4) * b[i].qs[j + 16];
            }
            sumf += (llmk_h2f(a[i].d) * llmk_h2f(b[i].d)) * sumi + llmk_h2f(a[i].m) * llmk_h2f(b[i].s);
        }
        s[t] = sumf;
    })
}

void llmk_vec_dot_q5_0_q8_0_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q5_0 *a = w;
    FOR_TOKENS({
        const block_q8_0 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            uint32_t qh;
            memcpy(&qh, a[i].qh, 4);
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int h0 = ((qh >> j) & 1) << 4, h1 = ((qh >> (j + 16)) & 1) << 4;
                int v0 = ((a[i].qs[j] & 0x0F) | h0) - 16, v1 = ((a[i].qs[j] >> 4) | h1) - 16;
                sumi += v0 * b[i].qs[j] + v1 * b[i].qs[j + 16];
            }
            sumf += sumi * llmk_h2f(a[i].d) * llmk_h2f(b[i].d);
        }
        s[t] = sumf;
    })
}

void llmk_vec_dot_q5_1_q8_1_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q5_1 *a = w;
    FOR_TOKENS({
        const block_q8_1 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            uint32_t qh;
            memcpy(&qh, a[i].qh, 4);
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int h0 = ((qh >> j) & 1) << 4, h1 = ((qh >> (j + 16)) & 1) << 4;
                int v0 = (a[i].qs[j] & 0x0F) | h0, v1 = (a[i].qs[j] >> 4) | h1;
                sumi += v0 * b[i].qs[j] + v1 * b[i].qs[j + 16];
            }
            sumf += (llmk_h2f(a[i].d) * llmk_h2f(b[i].d)) * sumi + llmk_h2f(a[i].m) * llmk_h2f(b[i].s);
        }
        s[t] = sumf;
    })
}

void llmk_vec_dot_q8_0_q8_0_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_q8_0 *a = w;
    FOR_TOKENS({
        const block_q8_0 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            int sumi = 0;
            for (int j = 0; j < QK8_0; j++) sumi += a[i].qs[j] * b[i].qs[j];
            sumf += sumi * (llmk_h2f(a[i].d) * llmk_h2f(b[i].d));
        }
        s[t] = sumf;
    })
}

/* ggml_vec_dot_iq4_nl_q8_0's generic form: int sums per block, sumf += (dx * dy) * (sumi1 + sumi2). */
void llmk_vec_dot_iq4_nl_q8_0_ref(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s) {
    const block_iq4_nl *a = w;
    FOR_TOKENS({
        const block_q8_0 *b = xt;
        float sumf = 0;
        for (int64_t i = 0; i < n / QK8_0; i++) {
            int sumi1 = 0, sumi2 = 0;
            for (int j = 0; j < 16; j++) {
                sumi1 += b[i].qs[j] * llmk_kvalues_iq4nl[a[i].qs[j] & 0x0F];
                sumi2 += b[i].qs[j + 16] * llmk_kvalues_iq4nl[a[i].qs[j] >> 4];
            }
            sumf += (llmk_h2f(b[i].d) * llmk_h2f(a[i].d)) * (sumi1 + sumi2);
        }
        s[t] = sumf;
    })
}

void llmk_fill_ref(llmk_table *t) {
    memset(t, 0, sizeof(*t));
    t->dot[LLMK_TYPE_F32] = llmk_vec_dot_f32_f32_ref;
    t->dot[LLMK_TYPE_F16] = llmk_vec_dot_f16_f32_ref;
    t->dot[LLMK_TYPE_BF16] = llmk_vec_dot_bf16_f32_ref;
    t->dot[LLMK_TYPE_Q4_0] = llmk_vec_dot_q4_0_q8_0_ref;
    t->dot[LLMK_TYPE_Q4_1] = llmk_vec_dot_q4_1_q8_1_ref;
    t->dot[LLMK_TYPE_Q5_0] = llmk_vec_dot_q5_0_q8_0_ref;
    t->dot[LLMK_TYPE_Q5_1] = llmk_vec_dot_q5_1_q8_1_ref;
    t->dot[LLMK_TYPE_Q8_0] = llmk_vec_dot_q8_0_q8_0_ref;
    t->dot[LLMK_TYPE_Q2_K] = llmk_vec_dot_q2_K_q8_K_ref;
    t->dot[LLMK_TYPE_Q3_K] = llmk_vec_dot_q3_K_q8_K_ref;
    t->dot[LLMK_TYPE_Q4_K] = llmk_vec_dot_q4_K_q8_K_ref;
    t->dot[LLMK_TYPE_Q5_K] = llmk_vec_dot_q5_K_q8_K_ref;
    t->dot[LLMK_TYPE_Q6_K] = llmk_vec_dot_q6_K_q8_K_ref;
    t->dot[LLMK_TYPE_IQ4_NL] = llmk_vec_dot_iq4_nl_q8_0_ref;
    t->quantize[LLMK_TYPE_Q8_0] = llmk_quantize_row_q8_0_ref;
    t->quantize[LLMK_TYPE_Q8_1] = llmk_quantize_row_q8_1_ref;
    t->quantize[LLMK_TYPE_Q8_K] = llmk_quantize_row_q8_K_ref;
    fill_elementwise_ref(t);
}
