/* AVX-512 paged attention for head sizes 64 and 128 (every Llama-family model we serve): the same steps, in the
 * same order, as the AVX2-coded kernel in llama.cpp's AVX-512 shape (llmk_avx2_misc.c, attend_heads with wide = 1),
 * so bit for bit the scalar reference and the Java reference dev.quanta.kernels.FlashAttention; other head sizes go
 * to that kernel.
 *
 * Per query head h of the group and position p (llama.cpp's CPU flash attention, one query):
 *   s    = reduce((a0 + a2) + (a1 + a3)) * scale     a_j (16 lanes) = sum over 64-element steps i of k[i+16j..] q[i+16j..]
 *                                                     (fma chain over i), reduce = 256-bit halves, 128-bit halves,
 *                                                     then [0]+[2], [1]+[3], then [0]+[1] (GCC's _mm512_reduce_add_ps)
 *   if s > M: ms = expf(M - s), M = s, acc = round(acc * ms), vs = 1   else: ms = 1, vs = expf(s - M)
 *   acc  = round(fma(v, vs, acc))                    round: to f16 when the cache is f16 (llama.cpp's VKQ16)
 *   S    = fma(S, ms, vs)
 * out = acc * (S == 0 ? 0 : 1 / S). With head_dim a multiple of 64 there is no tail, so the f16 cache's double
 * tail sum of the generic kernel is not needed.
 *
 * What is faster than the AVX2-coded kernel: the heads' accumulators, the position's key and value and the dots
 * stay in 512-bit registers (that kernel goes through f32 arrays in memory for every head and position), the f16
 * rounding is one cvtps_ph / cvtph_ps pair per 16 lanes, and positions go in chunks whose dots and expf calls do
 * not wait on one another (only the value updates are a chain); a chunk's 16 expf are one vector call with the C
 * library's bits (llmk_avx512_libm_expf.h) instead of 16 calls into it, and its running maximum is four
 * shift-and-max steps instead of 16 compare-and-branch steps.
 *
 * Memory: at 8 streams the cache of a layer (8 sequences x ~160 positions x K and V) is not in the core's caches
 * when the layer starts, and a sequence's blocks lie apart from one another, so the hardware prefetchers lose the
 * stream at every block boundary. While a chunk of positions computes, the next chunk's K and V rows are prefetched
 * (measured with smol-135m's shape, 30 layers of cache, blocks scattered: 62 -> 47 ns per KV group and position;
 * with the rows already in L1/L2 the prefetches cost about 5%). */
#include <math.h>
#include <immintrin.h>

#include "llmk_avx512_libm_expf.h"
#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define MAX_NH 4 /* query heads of one KV group done per pass over the positions */

INLINE __m512 round16(__m512 x, int half) {
    return half ? _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)) : x;
}

INLINE __m512 load16(const void *base, int half, int i) {
    return half ? _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)base + i)))
                : _mm512_loadu_ps((const float *)base + i);
}

/* _mm512_reduce_add_ps's order, written out: (hi256 + lo256), (hi128 + lo128), [0]+[2] and [1]+[3], [0]+[1]. */
INLINE float reduce16(__m512 x) {
    __m256 t = _mm256_add_ps(_mm512_castps512_ps256(x), _mm512_extractf32x8_ps(x, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* reduce16 of 16 vectors at once: lane p of the result = reduce16(x[p]) for p < 16, with the same pairs added at
 * every level (so the same bits), but 16 lanes per add: level 1 pairs the 256-bit halves of two vectors per add,
 * level 2 the 128-bit halves of four, level 3 elements 0+2 / 1+3 of eight, level 4 elements 0+1 of sixteen. Lane
 * 4m + c of the last sum holds position 4c + m; a permute puts the positions in order. */
INLINE __m512 reduce16x16(const __m512 *x) {
    __m512 t[8], s4[4], u[2];
    for (int j = 0; j < 8; j++) { /* [t(2j) | t(2j+1)], t = lo256 + hi256 */
        __m512 a = _mm512_shuffle_f32x4(x[2 * j], x[2 * j + 1], 0x44); /* units 0,1 of each */
        __m512 b = _mm512_shuffle_f32x4(x[2 * j], x[2 * j + 1], 0xEE); /* units 2,3 of each */
        t[j] = _mm512_add_ps(a, b);
    }
    for (int k = 0; k < 4; k++) { /* unit m = s(4k + m), s = lo128(t) + hi128(t) */
        __m512 a = _mm512_shuffle_f32x4(t[2 * k], t[2 * k + 1], 0x88); /* units 0,2 of each */
        __m512 b = _mm512_shuffle_f32x4(t[2 * k], t[2 * k + 1], 0xDD); /* units 1,3 of each */
        s4[k] = _mm512_add_ps(a, b);
    }
    for (int k = 0; k < 2; k++) { /* unit m = (s0+s2, s1+s3) of position 8k + m, then of 8k + 4 + m */
        __m512d a = _mm512_castps_pd(s4[2 * k]), b = _mm512_castps_pd(s4[2 * k + 1]);
        u[k] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)), _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
    }
    /* unit m: lanes (u0 + u1) of positions m, 4 + m, 8 + m, 12 + m */
    __m512 r = _mm512_add_ps(_mm512_shuffle_ps(u[0], u[1], 0x88), _mm512_shuffle_ps(u[0], u[1], 0xDD));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_permutexvar_ps(order, r);
}

/* The running maximum over the first n (1..16) scores s of a chunk, as the one-position loop keeps it: for position i
 * with maximum M before it, if s[i] > M then ex[i] = M - s[i], M = s[i] and bit i of *rise is set, else
 * ex[i] = s[i] - M. Returns M after position n - 1. With no NaN among the scores, M before each position is a
 * prefix maximum (the earlier of equal values kept, as the strict > does), found in four shift-and-max steps; with a
 * NaN the loop itself runs. */
INLINE float running_max(__m512 s, int n, float m0, __mmask16 *rise, float *ex) {
    const __mmask16 lanes = (__mmask16)((1u << n) - 1);
    if (_mm512_cmp_ps_mask(s, s, _CMP_UNORD_Q) & lanes) {
        float sc[16];
        _mm512_storeu_ps(sc, s);
        float mh = m0;
        __mmask16 r = 0;
        for (int i = 0; i < n; i++) {
            if (sc[i] > mh) {
                ex[i] = mh - sc[i];
                mh = sc[i];
                r |= (__mmask16)(1u << i);
            } else {
                ex[i] = sc[i] - mh;
            }
        }
        *rise = r;
        return mh;
    }
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    __m512 incl = s; /* incl[i] = max of s[0..i]: _mm512_max_ps(later, earlier) keeps the earlier unless later > it */
    for (int k = 1; k < 16; k <<= 1) {
        __m512 earlier = _mm512_mask_permutexvar_ps(ninf, (__mmask16)(0xFFFFu << k),
                                                    _mm512_sub_epi32(iota, _mm512_set1_epi32(k)), incl);
        incl = _mm512_max_ps(incl, earlier);
    }
    __m512 mv = _mm512_set1_ps(m0);
    incl = _mm512_max_ps(incl, mv);                             /* with the maximum before the chunk */
    __m512 before = _mm512_mask_permutexvar_ps(mv, (__mmask16)0xFFFEu, /* M before position i */
                                               _mm512_sub_epi32(iota, _mm512_set1_epi32(1)), incl);
    __mmask16 r = _mm512_cmp_ps_mask(s, before, _CMP_GT_OQ) & lanes;
    __m512 e = _mm512_mask_sub_ps(_mm512_sub_ps(s, before), r, before, s);
    _mm512_mask_storeu_ps(ex, lanes, e);
    *rise = r;
    return _mm_cvtss_f32(_mm512_castps512_ps128(_mm512_permutexvar_ps(_mm512_set1_epi32(n - 1), incl)));
}

/* NH heads (1..MAX_NH) of one group, head size HD (64 or 128): out[h][d] for h < NH. */
INLINE void attend(int HD, int NH, int half, float *out, const float *q, const char *k, const char *v,
                   size_t slot_bytes, size_t head_off, int block_size, const int32_t *block_table, int seq_len,
                   float scale) {
    enum { MAXV = 8 }; /* 16-lane vectors per head, at most 128 / 16 */
    const int nv = HD / 16;
    __m512 qr[MAX_NH][MAXV], acc[MAX_NH][MAXV];
    float m[MAX_NH], sum[MAX_NH];
    for (int h = 0; h < NH; h++) {
        for (int j = 0; j < nv; j++) {
            qr[h][j] = round16(_mm512_loadu_ps(q + (int64_t)h * HD + 16 * j), half);
            acc[h][j] = _mm512_setzero_ps();
        }
        m[h] = -INFINITY;
        sum[h] = 0.0f;
    }
    /* positions in chunks: the chunk's scores first (independent dots, for every head), then per head the running
     * maximum and the one expf each position needs (independent calls once the maxima are known), then the value
     * updates in position order; each head's operations and their order are those of the one-position loop */
    enum { CH = 16 };
    const int row_bytes = HD * (half ? 2 : 4);
    int blk = 0, slot = 0;                             /* position p0's block (index into block_table) and slot */
    int ablk = CH / block_size, aslot = CH % block_size; /* the same for position p0 + CH, prefetched ahead */
    for (int p0 = 0; p0 < seq_len; p0 += CH) {
        int n = seq_len - p0 < CH ? seq_len - p0 : CH;
        int ahead = seq_len - p0 - CH < CH ? seq_len - p0 - CH : CH; /* positions of the next chunk */
        const char *vps[CH];
        float ex[MAX_NH][CH];
        __mmask16 rise[MAX_NH]; /* bit i: position p0 + i raised the head's maximum */
        __m512 dots[MAX_NH][CH]; /* per head and position: (a0 + a2) + (a1 + a3), reduced 16 at a time below */
        for (int i = 0; i < n; i++) {
            size_t off = ((size_t)block_table[blk] * block_size + slot) * slot_bytes + head_off;
            if (++slot == block_size) { slot = 0; blk++; }
            if (i < ahead) { /* the next chunk's rows, on their way while this chunk computes */
                size_t aoff = ((size_t)block_table[ablk] * block_size + aslot) * slot_bytes + head_off;
                if (++aslot == block_size) { aslot = 0; ablk++; }
                for (int l = 0; l < row_bytes; l += 64) {
                    _mm_prefetch(k + aoff + l, _MM_HINT_T0);
                    _mm_prefetch(v + aoff + l, _MM_HINT_T0);
                }
            }
            vps[i] = v + off;
            __m512 kf[MAXV];
            for (int j = 0; j < nv; j++) kf[j] = load16(k + off, half, 16 * j);
            for (int h = 0; h < NH; h++) {
                __m512 a[4];
                for (int j = 0; j < 4; j++) a[j] = _mm512_mul_ps(kf[j], qr[h][j]); /* fma(k, q, 0) */
                for (int i2 = 4; i2 < nv; i2 += 4)
                    for (int j = 0; j < 4; j++) a[j] = _mm512_fmadd_ps(kf[i2 + j], qr[h][i2 + j], a[j]);
                dots[h][i] = _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3]));
            }
        }
        const __mmask16 lanes = (__mmask16)((1u << n) - 1);
        for (int h = 0; h < NH; h++) {
            __m512 s;
            if (n == CH) {
                s = _mm512_mul_ps(reduce16x16(dots[h]), _mm512_set1_ps(scale));
            } else {
                float sc[CH];
                for (int i = 0; i < n; i++) sc[i] = reduce16(dots[h][i]) * scale;
                s = _mm512_maskz_loadu_ps(lanes, sc);
            }
            m[h] = running_max(s, n, m[h], &rise[h], ex[h]);
            _mm512_mask_storeu_ps(ex[h], lanes, llmk_expf16(_mm512_maskz_loadu_ps(lanes, ex[h])));
        }
        for (int i = 0; i < n; i++) {
            __m512 vf[MAXV];
            for (int j = 0; j < nv; j++) vf[j] = load16(vps[i], half, 16 * j);
            for (int h = 0; h < NH; h++) {
                float ms = 1.0f, vs = 1.0f;
                if ((rise[h] >> i) & 1) {
                    ms = ex[h][i];
                    __m512 c = _mm512_set1_ps(ms);
                    for (int j = 0; j < nv; j++) acc[h][j] = round16(_mm512_mul_ps(acc[h][j], c), half);
                } else {
                    vs = ex[h][i];
                }
                __m512 w = _mm512_set1_ps(vs);
                for (int j = 0; j < nv; j++) acc[h][j] = round16(_mm512_fmadd_ps(vf[j], w, acc[h][j]), half);
                sum[h] = fmaf(sum[h], ms, vs);
            }
        }
    }
    for (int h = 0; h < NH; h++) {
        __m512 inv = _mm512_set1_ps(sum[h] == 0.0f ? 0.0f : 1.0f / sum[h]);
        for (int j = 0; j < nv; j++) _mm512_storeu_ps(out + (int64_t)h * HD + 16 * j, _mm512_mul_ps(acc[h][j], inv));
    }
}

#define ATTEND_NH(HD, half, nh, ...)                         \
    switch (nh) {                                            \
    case 1: attend(HD, 1, half, __VA_ARGS__); break;         \
    case 2: attend(HD, 2, half, __VA_ARGS__); break;         \
    case 3: attend(HD, 3, half, __VA_ARGS__); break;         \
    default: attend(HD, 4, half, __VA_ARGS__); break;        \
    }

void llmk_attention_item_avx512(float *out, const float *q, int group, int head_dim, const void *k, const void *v,
                                int kv_type, size_t slot_bytes, size_t head_off, int block_size,
                                const int32_t *block_table, int seq_len, float scale) {
    if (head_dim != 64 && head_dim != 128) {
        llmk_attention_item_avx512_shape(out, q, group, head_dim, k, v, kv_type, slot_bytes, head_off, block_size,
                                         block_table, seq_len, scale);
        return;
    }
    int half = kv_type == LLMK_TYPE_F16;
    for (int h0 = 0; h0 < group; h0 += MAX_NH) {
        int nh = group - h0 < MAX_NH ? group - h0 : MAX_NH;
        float *o = out + (int64_t)h0 * head_dim;
        const float *qh = q + (int64_t)h0 * head_dim;
        if (head_dim == 64) {
            if (half) ATTEND_NH(64, 1, nh, o, qh, k, v, slot_bytes, head_off, block_size, block_table, seq_len, scale)
            else ATTEND_NH(64, 0, nh, o, qh, k, v, slot_bytes, head_off, block_size, block_table, seq_len, scale)
        } else {
            if (half) ATTEND_NH(128, 1, nh, o, qh, k, v, slot_bytes, head_off, block_size, block_table, seq_len, scale)
            else ATTEND_NH(128, 0, nh, o, qh, k, v, slot_bytes, head_off, block_size, block_table, seq_len, scale)
        }
    }
}

void llmk_expf_avx512(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, llmk_expf16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 lanes = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, lanes, llmk_expf16(_mm512_maskz_loadu_ps(lanes, x + i)));
    }
}
