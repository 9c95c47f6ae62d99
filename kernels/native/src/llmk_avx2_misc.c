/* AVX2 activation quantizers (bit-identical to the scalar reference) and paged attention. */
#include "llmk_avx2_util.h"
#include "llmk_avx2_libm_expf.h"

/* ---------------- activation quantization ---------------- */

/* Q8_0 with the reference's arithmetic (d = amax / 127, q = round-half-away(x * (1/d))), 8 lanes at a time. */
void llmk_quantize_row_q8_0_avx2(const float *x, void *vy, int64_t n) {
    block_q8_0 *y = vy;
    const __m256 signmask = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        __m256 v[4], mx = _mm256_setzero_ps();
        for (int j = 0; j < 4; j++) {
            v[j] = _mm256_loadu_ps(x + 8 * j);
            mx = _mm256_max_ps(mx, _mm256_andnot_ps(signmask, v[j]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float amax = _mm_cvtss_f32(m);
        float d = amax / 127.0f;
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = (uint16_t)_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
        __m256 idv = _mm256_set1_ps(id);
        __m256i q[4];
        for (int j = 0; j < 4; j++) {
            __m256 r = _mm256_round_ps(_mm256_mul_ps(v[j], idv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            q[j] = _mm256_cvttps_epi32(r);
        }
        __m256i s01 = _mm256_packs_epi32(q[0], q[1]), s23 = _mm256_packs_epi32(q[2], q[3]);
        __m256i b = _mm256_packs_epi16(s01, s23);
        b = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)y[i].qs, b);
    }
}

/* Q8_K with the reference's arithmetic: iscale = -127 / (the element of largest magnitude, first one on ties),
 * q = min(127, round-half-even(iscale * x)), bsums per 16, d = 1 / iscale. */
void llmk_quantize_row_q8_K_avx2(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    const __m256 signmask = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        __m256 mx = _mm256_setzero_ps();
        for (int j = 0; j < QK_K; j += 8) mx = _mm256_max_ps(mx, _mm256_andnot_ps(signmask, _mm256_loadu_ps(x + j)));
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float amax = _mm_cvtss_f32(m);
        if (amax == 0) {
            memset(&y[i], 0, sizeof(block_q8_K));
            continue;
        }
        float max = 0;
        for (int j = 0; j < QK_K; j++) {
            if (fabsf(x[j]) == amax) {
                max = x[j];
                break;
            }
        }
        float iscale = -127.f / max;
        __m256 is = _mm256_set1_ps(iscale);
        const __m256i lim = _mm256_set1_epi32(127);
        for (int j = 0; j < QK_K; j += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; k++) {
                __m256 p = _mm256_mul_ps(_mm256_loadu_ps(x + j + 8 * k), is);
                q[k] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(p, _MM_FROUND_TO_NEAREST_INT |
                                                                                 _MM_FROUND_NO_EXC)), lim);
            }
            __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
            b = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256((__m256i *)(y[i].qs + j), b);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(y[i].qs + 16 * j)));
            __m256i s32 = _mm256_madd_epi16(v, _mm256_set1_epi16(1));
            __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s32), _mm256_extracti128_si256(s32, 1));
            s4 = _mm_hadd_epi32(s4, s4);
            s4 = _mm_hadd_epi32(s4, s4);
            y[i].bsums[j] = (int16_t)_mm_cvtsi128_si32(s4);
        }
        y[i].d = 1 / iscale;
    }
}

/* ---------------- paged attention, one (query head, its KV head) ----------------
 * llama.cpp's CPU flash attention for one query, bit for bit the scalar reference (llmk_elementwise.inc) and the
 * Java reference dev.quanta.kernels.FlashAttention, with 8-wide score lanes and value updates. */

INLINE __m256 load_kv8(const void *base, int kv_type, int i) {
    return kv_type == LLMK_TYPE_F16 ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)base + i)))
                                    : _mm256_loadu_ps((const float *)base + i);
}

INLINE float load_kv1(const void *base, int kv_type, int i) {
    return kv_type == LLMK_TYPE_F16 ? _cvtsh_ss(((const uint16_t *)base)[i]) : ((const float *)base)[i];
}

INLINE __m256 round8(__m256 x, int half) { /* to the nearest f16, ties to even, when the cache is f16 */
    return half ? _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)) : x;
}

INLINE float round1(float x, int half) { return half ? _cvtsh_ss(_cvtss_sh(x, _MM_FROUND_TO_NEAREST_INT)) : x; }

#define ATT_HEADS 4 /* query heads processed together per pass over the positions (state on the stack) */

/* Up to ATT_HEADS heads of one group: each position's key and value rows are converted to f32 once and used by
 * every head; per head the steps are exactly those of the reference. */
static void attend_heads(int wide, float *out, const float *q, int nh, int head_dim, const void *k, const void *v,
                         int kv_type, size_t slot_bytes, size_t head_off, int block_size, const int32_t *block_table,
                         int seq_len, float scale) {
    int half = kv_type == LLMK_TYPE_F16;
    /* whole SIMD steps of ggml_vec_dot / _mad: 32 elements on AVX2, 64 on AVX-512 (wide); the rest is the tail */
    int np = wide ? head_dim & ~63 : head_dim & ~31, n8 = head_dim & ~7;
    float qr[ATT_HEADS][1024], acc[ATT_HEADS][1024], kf[1024], vf[1024];
    float m[ATT_HEADS], sum[ATT_HEADS];
    for (int h = 0; h < nh; h++) {
        const float *qh = q + (int64_t)h * head_dim;
        for (int d = 0; d < n8; d += 8) {
            _mm256_storeu_ps(qr[h] + d, round8(_mm256_loadu_ps(qh + d), half));
            _mm256_storeu_ps(acc[h] + d, _mm256_setzero_ps());
        }
        for (int d = n8; d < head_dim; d++) {
            qr[h][d] = round1(qh[d], half);
            acc[h][d] = 0.0f;
        }
        m[h] = -INFINITY;
        sum[h] = 0.0f;
    }
    for (int p = 0; p < seq_len; p++) {
        size_t off = ((size_t)block_table[p / block_size] * block_size + p % block_size) * slot_bytes + head_off;
        const char *kp = (const char *)k + off, *vp = (const char *)v + off;
        for (int d = 0; d < n8; d += 8) {
            _mm256_storeu_ps(kf + d, load_kv8(kp, kv_type, d));
            _mm256_storeu_ps(vf + d, load_kv8(vp, kv_type, d));
        }
        for (int d = n8; d < head_dim; d++) {
            kf[d] = load_kv1(kp, kv_type, d);
            vf[d] = load_kv1(vp, kv_type, d);
        }
        for (int h = 0; h < nh; h++) {
            float vec = 0.0f;
            if (np > 0 && wide) { /* AVX-512 shape: 4 accumulators of 16 lanes (lo/hi halves) per 64 elements, then
                                   * (a0 + a2) + (a1 + a3) and _mm512_reduce_add_ps */
                __m256 lo[4], hi[4];
                for (int j = 0; j < 4; j++) lo[j] = hi[j] = _mm256_setzero_ps();
                for (int i = 0; i < np; i += 64)
                    for (int j = 0; j < 4; j++) {
                        lo[j] = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i + 16 * j), _mm256_loadu_ps(qr[h] + i + 16 * j), lo[j]);
                        hi[j] = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i + 16 * j + 8), _mm256_loadu_ps(qr[h] + i + 16 * j + 8),
                                                hi[j]);
                    }
                __m256 xl = _mm256_add_ps(_mm256_add_ps(lo[0], lo[2]), _mm256_add_ps(lo[1], lo[3]));
                __m256 xh = _mm256_add_ps(_mm256_add_ps(hi[0], hi[2]), _mm256_add_ps(hi[1], hi[3]));
                vec = hsum8(_mm256_add_ps(xh, xl));
            } else if (np > 0) { /* ggml_vec_dot_f16/_f32 (AVX2): 4 accumulators over 32-element steps, GGML_F32x8_REDUCE */
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (int i = 0; i < np; i += 32) {
                    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i), _mm256_loadu_ps(qr[h] + i), a0);
                    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i + 8), _mm256_loadu_ps(qr[h] + i + 8), a1);
                    a2 = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i + 16), _mm256_loadu_ps(qr[h] + i + 16), a2);
                    a3 = _mm256_fmadd_ps(_mm256_loadu_ps(kf + i + 24), _mm256_loadu_ps(qr[h] + i + 24), a3);
                }
                __m256 x = _mm256_add_ps(_mm256_add_ps(a0, a2), _mm256_add_ps(a1, a3));
                __m128 t = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
                t = _mm_hadd_ps(t, t);
                vec = _mm_cvtss_f32(_mm_hadd_ps(t, t));
            }
            float score;
            if (half) {
                double dsum = vec;
                for (int i = np; i < head_dim; i++) dsum += (double)(kf[i] * qr[h][i]);
                score = (float)dsum;
            } else {
                score = vec;
                for (int i = np; i < head_dim; i++) score += kf[i] * qr[h][i];
            }
            score *= scale;
            float ms = 1.0f, vs = 1.0f;
            if (score > m[h]) {
                float mold = m[h];
                m[h] = score;
                ms = expf(mold - score);
                __m256 c = _mm256_set1_ps(ms);
                for (int d = 0; d < n8; d += 8)
                    _mm256_storeu_ps(acc[h] + d, round8(_mm256_mul_ps(_mm256_loadu_ps(acc[h] + d), c), half));
                for (int d = n8; d < head_dim; d++) acc[h][d] = round1(acc[h][d] * ms, half);
            } else {
                vs = expf(score - m[h]);
            }
            __m256 w = _mm256_set1_ps(vs);
            for (int d = 0; d < np; d += 8)
                _mm256_storeu_ps(acc[h] + d,
                                 round8(_mm256_fmadd_ps(_mm256_loadu_ps(vf + d), w, _mm256_loadu_ps(acc[h] + d)), half));
            /* the tails as llama.cpp's compiler contracts them: y + x * v and S * ms + vs become single fmas */
            for (int d = np; d < head_dim; d++) acc[h][d] = round1(fmaf(vf[d], vs, acc[h][d]), half);
            sum[h] = fmaf(sum[h], ms, vs);
        }
    }
    for (int h = 0; h < nh; h++) {
        float inv = sum[h] == 0.0f ? 0.0f : 1.0f / sum[h];
        for (int d = 0; d < head_dim; d++) out[(int64_t)h * head_dim + d] = acc[h][d] * inv;
    }
}

static void attention_item(int wide, float *out, const float *q, int group, int head_dim, const void *k,
                           const void *v, int kv_type, size_t slot_bytes, size_t head_off, int block_size,
                           const int32_t *block_table, int seq_len, float scale) {
    for (int h0 = 0; h0 < group; h0 += ATT_HEADS) {
        int nh = group - h0 < ATT_HEADS ? group - h0 : ATT_HEADS;
        attend_heads(wide, out + (int64_t)h0 * head_dim, q + (int64_t)h0 * head_dim, nh, head_dim, k, v, kv_type,
                     slot_bytes, head_off, block_size, block_table, seq_len, scale);
    }
}

/* The query heads of one KV head (GQA group), head_dim 64 (Llama 3.2 1B, SmolLM 135M, ...) or 128, AVX2 shape:
 * attend_heads' steps per head, in the same order. Positions go 8 at a time: their key and value rows are converted
 * to f32 once, into kf / vf, for every head of the group (smol-135m: 3, Llama 3.2 1B: 4); then, per head, the 8
 * dots (independent of one another), the running max through them, which fixes each expf argument, one 8-lane expf
 * with the C library's bits (llmk_avx2_libm_expf.h), and the value updates in order, with the head's value
 * accumulator in registers for the chunk (8 or 16 ymm, kept in acc between chunks). With 64 or 128 elements there is
 * no tail: 32-element steps, then GGML_F32x8_REDUCE, as above. Against one head at a time, each converting its own
 * rows (single thread, llmk_attention over the last 32 positions of a 512-token prompt, two builds alternating,
 * median of 9, Zen 3): smol-135m's 9 / 3 heads 3.76 vs 4.37 ms, Llama 3.2 1B's 32 / 8 (16 positions) 6.36 vs 7.40 ms. */
#define GROUP_HEADS 8 /* heads whose state a pass keeps (larger groups take several passes) */
INLINE void attend_group(int HD, float *out, const float *q, int nh, const void *k, const void *v, int kv_type,
                         size_t slot_bytes, size_t head_off, int block_size, const int32_t *block_table, int seq_len,
                         float scale) {
    int half = kv_type == LLMK_TYPE_F16;
    _Alignas(32) float qr[GROUP_HEADS][128], acc[GROUP_HEADS][128], kf[8][128], vf[8][128];
    float m[GROUP_HEADS], sum[GROUP_HEADS];
    for (int h = 0; h < nh; h++) {
        for (int d = 0; d < HD; d += 8) {
            _mm256_store_ps(qr[h] + d, round8(_mm256_loadu_ps(q + (int64_t)h * HD + d), half));
            _mm256_store_ps(acc[h] + d, _mm256_setzero_ps());
        }
        m[h] = -INFINITY;
        sum[h] = 0.0f;
    }
    for (int p0 = 0; p0 < seq_len; p0 += 8) {
        int n = seq_len - p0 < 8 ? seq_len - p0 : 8;
        for (int i = 0; i < n; i++) {
            int p = p0 + i;
            size_t off = ((size_t)block_table[p / block_size] * block_size + p % block_size) * slot_bytes + head_off;
            for (int d = 0; d < HD; d += 8) {
                _mm256_store_ps(kf[i] + d, load_kv8((const char *)k + off, kv_type, d));
                _mm256_store_ps(vf[i] + d, load_kv8((const char *)v + off, kv_type, d));
            }
        }
        for (int h = 0; h < nh; h++) {
            float arg[8] = {0}, e[8];
            int raise[8];
            for (int i = 0; i < n; i++) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (int d = 0; d < HD; d += 32) {
                    a0 = _mm256_fmadd_ps(_mm256_load_ps(kf[i] + d), _mm256_load_ps(qr[h] + d), a0);
                    a1 = _mm256_fmadd_ps(_mm256_load_ps(kf[i] + d + 8), _mm256_load_ps(qr[h] + d + 8), a1);
                    a2 = _mm256_fmadd_ps(_mm256_load_ps(kf[i] + d + 16), _mm256_load_ps(qr[h] + d + 16), a2);
                    a3 = _mm256_fmadd_ps(_mm256_load_ps(kf[i] + d + 24), _mm256_load_ps(qr[h] + d + 24), a3);
                }
                __m256 x = _mm256_add_ps(_mm256_add_ps(a0, a2), _mm256_add_ps(a1, a3));
                __m128 t = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
                t = _mm_hadd_ps(t, t);
                float score = _mm_cvtss_f32(_mm_hadd_ps(t, t)) * scale;
                /* the running max through the chunk decides each position's expf argument, as the one-by-one loop */
                raise[i] = score > m[h];
                if (raise[i]) {
                    arg[i] = m[h] - score;
                    m[h] = score;
                } else {
                    arg[i] = score - m[h];
                }
            }
            _mm256_storeu_ps(e, llmk_expf8(_mm256_loadu_ps(arg)));
            __m256 a[16];
            for (int d = 0; d < HD / 8; d++) a[d] = _mm256_load_ps(acc[h] + 8 * d);
            for (int i = 0; i < n; i++) {
                float ms = raise[i] ? e[i] : 1.0f, vs = raise[i] ? 1.0f : e[i];
                if (raise[i]) {
                    __m256 c = _mm256_set1_ps(ms);
                    for (int d = 0; d < HD / 8; d++) a[d] = round8(_mm256_mul_ps(a[d], c), half);
                }
                __m256 w = _mm256_set1_ps(vs);
                for (int d = 0; d < HD / 8; d++) a[d] = round8(_mm256_fmadd_ps(_mm256_load_ps(vf[i] + 8 * d), w, a[d]), half);
                sum[h] = fmaf(sum[h], ms, vs);
            }
            for (int d = 0; d < HD / 8; d++) _mm256_store_ps(acc[h] + 8 * d, a[d]);
        }
    }
    for (int h = 0; h < nh; h++) {
        float inv = sum[h] == 0.0f ? 0.0f : 1.0f / sum[h];
        for (int d = 0; d < HD / 8; d++)
            _mm256_storeu_ps(out + (int64_t)h * HD + 8 * d, _mm256_mul_ps(_mm256_load_ps(acc[h] + 8 * d),
                                                                          _mm256_set1_ps(inv)));
    }
}

void llmk_attention_item_avx2(float *out, const float *q, int group, int head_dim, const void *k, const void *v,
                              int kv_type, size_t slot_bytes, size_t head_off, int block_size,
                              const int32_t *block_table, int seq_len, float scale) {
    if (head_dim == 64 || head_dim == 128) {
        for (int h0 = 0; h0 < group; h0 += GROUP_HEADS) {
            int nh = group - h0 < GROUP_HEADS ? group - h0 : GROUP_HEADS;
            float *o = out + (int64_t)h0 * head_dim;
            const float *qh = q + (int64_t)h0 * head_dim;
            if (head_dim == 64)
                attend_group(64, o, qh, nh, k, v, kv_type, slot_bytes, head_off, block_size, block_table, seq_len,
                             scale);
            else
                attend_group(128, o, qh, nh, k, v, kv_type, slot_bytes, head_off, block_size, block_table, seq_len,
                             scale);
        }
        return;
    }
    attention_item(0, out, q, group, head_dim, k, v, kv_type, slot_bytes, head_off, block_size, block_table, seq_len,
                   scale);
}

/* The AVX-512 table's attention: llama.cpp's AVX-512 vec_dot shape (64-element steps, 16 lanes), in AVX2 code. */
void llmk_attention_item_avx512_shape(float *out, const float *q, int group, int head_dim, const void *k,
                                      const void *v, int kv_type, size_t slot_bytes, size_t head_off, int block_size,
                                      const int32_t *block_table, int seq_len, float scale) {
    attention_item(1, out, q, group, head_dim, k, v, kv_type, slot_bytes, head_off, block_size, block_table, seq_len,
                   scale);
}

uint64_t llmk_sum_words_avx2(const uint64_t *p, int64_t n) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_add_epi64(a0, _mm256_loadu_si256((const __m256i *)(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_loadu_si256((const __m256i *)(p + i + 4)));
        a2 = _mm256_add_epi64(a2, _mm256_loadu_si256((const __m256i *)(p + i + 8)));
        a3 = _mm256_add_epi64(a3, _mm256_loadu_si256((const __m256i *)(p + i + 12)));
    }
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3)));
    uint64_t s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < n; i++) s += p[i];
    return s;
}

void llmk_expf_avx2(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, llmk_expf8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float in[8] = {0}, res[8];
        memcpy(in, x + i, (size_t)(n - i) * sizeof(float));
        _mm256_storeu_ps(res, llmk_expf8(_mm256_loadu_ps(in)));
        memcpy(y + i, res, (size_t)(n - i) * sizeof(float));
    }
}
