/* AVX-512 VNNI many-token matmul (prefill, batched decode) for Q4_0 / Q8_0 weights x Q8_0 activations.
 * Compiled with -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI. One token goes to
 * the AVX2 decode kernel (memory-bound: wider vectors do not help there).
 *
 * Arithmetic (per output = weight row r x token t), the same as llama.cpp's x86 Q8_0 dot for Q8_0 weights:
 *   acc (8 f32 lanes) = 0; for each block b in order:
 *     isum[j] = sum over the block's elements 4j..4j+3 of w * y   (exact int32)
 *     acc = fma(set1(dx_b * dy_b), (float)isum, acc)              (dx_b * dy_b: one f32 multiply)
 *   out = hsum8(acc)
 * vpdpbusd multiplies unsigned by signed bytes, so weights enter biased to unsigned (Q4_0: the stored nibble q =
 * w + 8; Q8_0: w ^ 0x80 = w + 128); vpdpbusd starts from minus the bias times the activations' 4-element sums
 * (exact int32), which leaves isum as above.
 *
 * Layout: a 512-bit register holds one block of TWO tokens (token 2p in the low 256 bits, 2p+1 in the high), and
 * a weight block broadcast to both halves; one vpdpbusd thus does 64 multiply-adds and its 16 int32 lanes are the
 * two tokens' isum vectors. Activations are re-laid once per call into such pair blocks (with each pair's dy and
 * bias correction); the micro-kernel keeps up to 4 rows x 4 pairs (8 tokens) of accumulators in registers, and
 * tokens are blocked so a token block's pair data stays in L2 while every row tile of the range passes over it. */
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))

/* Q4_0 with rows % 8 == 0 (llmk_avx512_q4.c). */
LLMK_HIDDEN int llmk_matmul_q4_0_rows8_avx512(const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                              float *out, int64_t r0, int64_t r1);
/* The AVX2 decode kernel (llmk_avx2_gemv.c); plain C signature, callable from this file. */
LLMK_HIDDEN int llmk_gemv_q8_0_avx2(const void *w, int64_t cols, const void *xa, float *out, int64_t r0, int64_t r1);

typedef struct {
    __m512i y;    /* i8 [2][32]: block b of tokens 2p and 2p+1 */
    __m512i corr; /* i32 [2][8]: -bias * (sum of y over elements 4j..4j+3), vpdpbusd's starting value */
    __m512 dy;    /* f32 [2][8]: each token's block scale, repeated */
} pair_block;     /* 192 bytes */

#define PAIR_L2_BYTES (512 * 1024) /* pair data of one token block, kept in L2 while the rows stream past */

/* A tile reads its RT rows block by block, RT interleaved streams that each end after one row: the hardware
 * prefetcher follows that badly from DRAM (Q8_0 1536 x 576 with 2 tokens: ~10 GB/s). So the first token tile of
 * each row tile prefetches, a slice per block, the rows PF_GROUPS row tiles ahead (contiguous in memory): DRAM sees
 * one sequential stream, as in the AVX2 decode kernels. A tile of few tokens lasts about a DRAM latency, hence
 * more than one tile ahead. */
#define PF_GROUPS 4


INLINE float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* pb[p * nb + b] for p < npairs; a missing second token (odd ntok) is all zeros, its results are dropped. */
static void prepare_pairs(const char *xa, size_t arow, int ntok, int64_t nb, int bias, pair_block *pb) {
    const __m512i biasv = _mm512_set1_epi8((char)bias);
    int npairs = (ntok + 1) / 2;
    for (int p = 0; p < npairs; p++) {
        const block_q8_0 *y0 = (const block_q8_0 *)(xa + (size_t)(2 * p) * arow);
        const block_q8_0 *y1 = 2 * p + 1 < ntok ? (const block_q8_0 *)(xa + (size_t)(2 * p + 1) * arow) : NULL;
        for (int64_t b = 0; b < nb; b++) {
            pair_block *o = pb + (size_t)p * nb + b;
            __m256i lo = _mm256_loadu_si256((const __m256i *)y0[b].qs);
            __m256i hi = y1 ? _mm256_loadu_si256((const __m256i *)y1[b].qs) : _mm256_setzero_si256();
            __m512i y = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
            o->y = y;
            o->corr = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), biasv, y));
            __m256 d0 = _mm256_set1_ps(llmk_f16_table[y0[b].d]);
            __m256 d1 = _mm256_set1_ps(y1 ? llmk_f16_table[y1[b].d] : 0.0f);
            o->dy = _mm512_insertf32x8(_mm512_castps256_ps512(d0), d1, 1);
        }
    }
}

/* Weight block b of one row, biased to unsigned and broadcast to both 256-bit halves. */
INLINE __m512i weight_block(int q4, const char *wr, int64_t b, float *dx) {
    if (q4) {
        const block_q4_0 *blk = (const block_q4_0 *)wr + b;
        __m128i q = _mm_loadu_si128((const __m128i *)blk->qs);
        const __m128i m4 = _mm_set1_epi8(0x0F);
        __m256i u = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m4), _mm_and_si128(q, m4));
        *dx = llmk_f16_table[blk->d];
        return _mm512_broadcast_i64x4(u);
    }
    const block_q8_0 *blk = (const block_q8_0 *)wr + b;
    *dx = llmk_f16_table[blk->d];
    return _mm512_xor_si512(_mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)blk->qs)),
                            _mm512_set1_epi8((char)0x80));
}

/* Rows [r, r + RT) x pairs [p, p + TT): out[t][row] for the tokens that exist (t < ntok). */
INLINE void tile(int q4, int RT, int TT, const char *w, size_t wrow, int64_t nb, const pair_block *pb, int p,
                 int ntok, float *out, int64_t rows, int64_t r) {
    __m512 acc[4][4];
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < TT; j++) acc[i][j] = _mm512_setzero_ps();
    const pair_block *base = pb + (size_t)p * nb;
    /* the rows PF_GROUPS tiles ahead, prefetched linearly a slice per block (see PF_GROUPS) */
    const char *pf = w + (size_t)(r + PF_GROUPS * RT) * wrow;
    size_t pf_step = ((size_t)RT * wrow + (size_t)nb - 1) / (size_t)nb;
    for (int64_t b = 0; b < nb; b++) {
        if (p == 0)
            for (size_t o = 0; o < pf_step; o += 64) _mm_prefetch(pf + (size_t)b * pf_step + o, _MM_HINT_T0);
        __m512i wv[4];
        __m512 dx[4];
        for (int i = 0; i < RT; i++) {
            float d;
            wv[i] = weight_block(q4, w + (size_t)(r + i) * wrow, b, &d);
            dx[i] = _mm512_set1_ps(d);
        }
        for (int j = 0; j < TT; j++) {
            const pair_block *pj = base + (size_t)j * nb + b;
            __m512i y = _mm512_load_si512(&pj->y);
            __m512i corr = _mm512_load_si512(&pj->corr);
            __m512 dy = _mm512_load_ps(&pj->dy);
            for (int i = 0; i < RT; i++) {
                __m512i s = _mm512_dpbusd_epi32(corr, wv[i], y);
                acc[i][j] = _mm512_fmadd_ps(_mm512_mul_ps(dx[i], dy), _mm512_cvtepi32_ps(s), acc[i][j]);
            }
        }
    }
    for (int j = 0; j < TT; j++) {
        int t = 2 * (p + j);
        for (int i = 0; i < RT; i++) {
            out[(int64_t)t * rows + r + i] = hsum8(_mm512_castps512_ps256(acc[i][j]));
            if (t + 1 < ntok) out[(int64_t)(t + 1) * rows + r + i] = hsum8(_mm512_extractf32x8_ps(acc[i][j], 1));
        }
    }
}

#define TILE_TT(q4, RT, TT, ...)                      \
    switch (TT) {                                     \
    case 1: tile(q4, RT, 1, __VA_ARGS__); break;      \
    case 2: tile(q4, RT, 2, __VA_ARGS__); break;      \
    case 3: tile(q4, RT, 3, __VA_ARGS__); break;      \
    default: tile(q4, RT, 4, __VA_ARGS__); break;     \
    }

#define TILE_RT(q4, RT, TT, ...)                          \
    switch (RT) {                                         \
    case 1: TILE_TT(q4, 1, TT, __VA_ARGS__) break;        \
    case 2: TILE_TT(q4, 2, TT, __VA_ARGS__) break;        \
    case 3: TILE_TT(q4, 3, TT, __VA_ARGS__) break;        \
    default: TILE_TT(q4, 4, TT, __VA_ARGS__) break;       \
    }

static void run_q4(int RT, int TT, const char *w, size_t wrow, int64_t nb, const pair_block *pb, int p, int ntok,
                   float *out, int64_t rows, int64_t r) {
    TILE_RT(1, RT, TT, w, wrow, nb, pb, p, ntok, out, rows, r)
}

static void run_q8(int RT, int TT, const char *w, size_t wrow, int64_t nb, const pair_block *pb, int p, int ntok,
                   float *out, int64_t rows, int64_t r) {
    TILE_RT(0, RT, TT, w, wrow, nb, pb, p, ntok, out, rows, r)
}

int llmk_matmul_q8_0_family_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                   float *out, int64_t r0, int64_t r1) {
    /* Q4_0 with rows % 8 == 0: llama.cpp's repacked order (llmk_avx512_q4.c); other Q4_0 matrices keep the 8-lane
     * tinyBLAS order below even for one token, as llama.cpp does not repack them */
    if (wtype == LLMK_TYPE_Q4_0 && rows % 8 == 0) return llmk_matmul_q4_0_rows8_avx512(w, rows, cols, xa, ntok, out, r0, r1);
    if (ntok == 1 && wtype == LLMK_TYPE_Q8_0) return llmk_gemv_q8_0_avx2(w, cols, xa, out, r0, r1);
    int q4 = wtype == LLMK_TYPE_Q4_0;
    int64_t nb = cols / QK8_0;
    size_t wrow = (size_t)nb * (q4 ? sizeof(block_q4_0) : sizeof(block_q8_0));
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    int npairs = (ntok + 1) / 2;
    size_t need = (size_t)npairs * (size_t)nb;
    pair_block *pb = llmk_scratch(LLMK_SCRATCH_PAIRS, need * sizeof(pair_block));
    if (!pb) return -2;
    prepare_pairs((const char *)xa, arow, ntok, nb, q4 ? 8 : 128, pb);
    /* token blocks: as many pairs (a multiple of 4) as keep their pair data within PAIR_L2_BYTES */
    int block_pairs = (int)(PAIR_L2_BYTES / ((size_t)nb * sizeof(pair_block))) & ~3;
    if (block_pairs < 4) block_pairs = 4;
    void (*run)(int, int, const char *, size_t, int64_t, const pair_block *, int, int, float *, int64_t, int64_t) =
        q4 ? run_q4 : run_q8;
    for (int p0 = 0; p0 < npairs; p0 += block_pairs) {
        int pe = p0 + block_pairs < npairs ? p0 + block_pairs : npairs;
        for (int64_t r = r0; r < r1; r += 4) {
            int rt = r1 - r < 4 ? (int)(r1 - r) : 4;
            for (int p = p0; p < pe; p += 4) {
                int tt = pe - p < 4 ? pe - p : 4;
                run(rt, tt, (const char *)w, wrow, nb, pb, p, ntok, out, rows, r);
            }
        }
    }
    return 0;
}

/* ---------------- Q5_0, Q4_1 and Q5_1 through the Q8_0 kernel ----------------
 * llama.cpp's Q5_0 dot (ggml_vec_dot_q5_0_q8_0 on x86, and llmk_quant_tiles.inc's) is its Q8_0 dot applied to the
 * block's values (nibble | bit << 4) - 16 with the block's d: 8 lanes of 4-element sums, one fma with dx * dy per
 * block, hsum8. Its Q4_1 / Q5_1 dot (qt_q41_q51_tile) is, per output, hsum8(acc) + summs with acc the same on the
 * values nibble / nibble | bit << 4 against the Q8_1 activations' quants, and summs = summs + m_w * s_x per block
 * (an f16 times an f16 is exact in f32, so only the add rounds). So from VIA_Q8_MIN_TOKENS tokens on, each chunk of
 * rows is converted to Q8_0 blocks of its values in a per-thread scratch (mins kept apart; Q8_1 activations copied to
 * Q8_0 rows, their s kept apart) and multiplied by the Q8_0 kernel above, and the min sums, accumulated in block
 * order, are added once: the one-token dot's bits (MatmulBatchInvarianceTest; and 0 mismatches over 4,096 rows x
 * 2,048 columns in 34-37 chunks, checked with a C harness), at the Q8_0 kernel's speed (the 1..8-token dots unpack
 * every block again for every 8 tokens). Fewer tokens: declined, so llmk_matmul runs the dot row by row. */
#include "llmk_via_q8_0.inc"

int llmk_matmul_via_q8_0_avx512(int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                                float *out, int64_t r0, int64_t r1) {
    return via_q8_0(wtype, w, rows, cols, xa, ntok, out, r0, r1, llmk_matmul_q8_0_family_avx512);
}
