/* Q4_0 weights packed once at load for AVX-512 VNNI ("q4_0 x16"), one token or many; IQ4_NL packed the same way,
 * and Q5_0 and Q8_0 in layouts of the same shape (below).
 * Compiled with -mavx512f/bw/vl/dq -mavx512vnni; installed only when CPUID reports AVX512_VNNI. From
 * LLMK_AMX_MIN_TOKENS tokens on a CPU with AMX, the same outputs come from llmk_amx_q4_x16.c.
 *
 * Same arithmetic as llmk_matmul_q4_0_rows8_avx512 (llmk_avx512_q4.c), so the results are bit-identical to the
 * unpacked matrix's, and to llama.cpp's repacked q4_0x8 order: per output (row r x token t),
 *   acc = 0; for each block b in order: acc = fma((float)isum_b, dx_b * dy_b, acc);   out = acc.
 * The unpacked kernel re-lays every block of a 16-row tile at run time (16 loads and inserts, a transpose, a gather
 * of the scales); here that re-laying is done once, by llmk_pack, and a call only splits the nibbles.
 *
 * Packed layout (the same byte size as the Q4_0 matrix, rows % 16 == 0, cols % 32 == 0; nb = cols / 32 blocks per
 * row; tile T = rows 16T .. 16T + 15, 288 * nb bytes at byte 288 * nb * T):
 *   qs region, bytes [0, 256 nb):    block b at 256 b: 4 vectors of 64 bytes; vector c (0..3), bytes 4r .. 4r + 3 =
 *                                    bytes 4c .. 4c + 3 of row 16T + r's qs (elements 4c..4c+3 in the low nibbles,
 *                                    16 + 4c .. 16 + 4c + 3 in the high nibbles);
 *   scale region, [256 nb, 288 nb):  block b at 256 nb + 32 b: the 16 rows' f16 scales d, row order.
 * A tile's bytes are one contiguous run, read front to back: the hardware prefetcher follows it, with a software
 * prefetch PREFETCH_BLOCKS blocks (about 14 KB) ahead into L2. On a Zen 4 EPYC (2 threads, two builds alternating,
 * `bench -p 128 -n 64`) that decoded llama-1b Q4_0 at 38.1-39.0 tok/s against 35.8-36.5 with 8 blocks ahead into
 * L1 instead, smol-135m Q4_0 at 169-177 against 160-172; prompt speed unchanged. A second prefetch, L1_BLOCKS ahead
 * into L1, on top of it: one token over 8192 x 2048, 2 threads, on a Sapphire Rapids guest (JMH MatmulBenchmark,
 * two builds alternating) 405 / 399 us against 421 / 430 us without.
 *
 * IQ4_NL blocks have Q4_0's shape (f16 d, 16 bytes of nibbles), so llmk_pack_q4_0_x16 packs them too; the nibbles
 * then index llmk_kvalues_iq4nl (vpshufb on level + 128, unsigned for vpdpbusd, with -128 * sum(y) instead of
 * -8 * sum(y) as the correction). That is llama.cpp's repacked iq4_nl_8x8 order: the formula above with the
 * levels as the weights.
 *
 * Two more kinds, packed only for AVX-512 VNNI, follow the same formula (the repacked order; the file layouts' kernels
 * sum in llama.cpp's x86 8-lane order instead, so these results differ from the unpacked matrices' in the last bits,
 * and each is the same for every token count):
 *   Q5_0 (352 * nb bytes per tile, the file's 16 x 22): the qs region as Q4_0's; then a bit region [256 nb, 320 nb),
 *     block b at 256 nb + 64 b: 8 masks of 64 bits, mask v bit 4r + i = the fifth bit of row r's element 4v + i
 *     (v < 4) or 16 + 4 (v - 4) + i (the bytes of unpacked vector v); then the scales at [320 nb, 352 nb). Values
 *     nibble | bit << 4 (bias 16).
 *   Q8_0 (544 * nb bytes per tile, the file's 16 x 34): block b at 512 b: 8 vectors of 64 bytes, vector c bytes
 *     4r .. 4r + 3 = row r's elements 4c .. 4c + 3, each as w + 128 (w ^ 0x80, bias 128); then the scales at
 *     [512 nb, 544 nb). Each vector is at once the vpdpbusd operand for 16 rows and a row of an AMX B tile, so
 *     neither kernel unpacks; llama.cpp runs this order for Q8_0 on Arm (ggml_gemv/gemm_q8_0_4x8_q8_0). JMH
 *     MatmulBenchmark 2048 x 8192, 2 threads, against the file layout's 8-lane kernel: 1 token 708 vs 879 us,
 *     16 tokens 1,156 vs 2,195 us, 128 tokens (AMX) 5,606 vs 15,679 us. */
#include <string.h>
#include <immintrin.h>

#include "llmk_internal.h"

#define INLINE static inline __attribute__((always_inline))
#define TILE 16
#define PREFETCH_BLOCKS 48
#define L1_BLOCKS 8

_Static_assert(LLMK_X16_BLOCK_BYTES(LLMK_X16_Q4_0) == TILE * sizeof(block_q4_0), "packed q4_0 tile block");
_Static_assert(LLMK_Q5_0_X16_BLOCK_BYTES == TILE * sizeof(block_q5_0), "packed q5_0 tile block");
_Static_assert(LLMK_Q8_0_X16_BLOCK_BYTES == TILE * sizeof(block_q8_0), "packed q8_0 tile block");

/* IQ4_NL's levels + 128, as the unsigned bytes vpdpbusd takes (1 .. 241), in every 128-bit lane for vpshufb. */
static const int8_t iq4nl_u8[16] = {1, 24, 45, 63, 79, 93, 106, 118, (int8_t)129, (int8_t)141, (int8_t)153,
                                    (int8_t)166, (int8_t)181, (int8_t)197, (int8_t)217, (int8_t)241};

/* TT (<= 8) tokens over one packed tile: out[j][r .. r + 15] for tokens j < TT. KIND: LLMK_X16_IQ4_NL blocks
 * (levels looked up, biased by 128; act's corrections are -128 * sum(y)), LLMK_X16_Q5_0 (nibble | fifth bit << 4;
 * -16 * sum(y)), else Q4_0 (nibbles as stored; -8 * sum(y)). */
INLINE void tile_tokens(int KIND, int TT, const uint8_t *tile, int64_t nb, const char *xa, size_t arow,
                        const float *act, float *out, int64_t rows) {
    const int IQ = KIND == LLMK_X16_IQ4_NL;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i lut = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)iq4nl_u8));
    const uint64_t *hb = (const uint64_t *)(tile + (size_t)nb * 256); /* Q5_0: 8 masks per block */
    const int Q8 = KIND == LLMK_X16_Q8_0;
    const size_t qbytes = Q8 ? 512 : 256; /* a block's quants: 8 vectors of bytes, or 4 of nibble pairs */
    const uint16_t *d = (const uint16_t *)(tile + (size_t)nb * LLMK_X16_SCALES_AT(KIND));
    __m512 acc[8];
    for (int j = 0; j < TT; j++) acc[j] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = tile + (size_t)b * qbytes;
        for (size_t l = 0; l < qbytes; l += 64) _mm_prefetch((const char *)q + PREFETCH_BLOCKS * 256 + l, _MM_HINT_T1);
        for (size_t l = 0; l < qbytes; l += 64) _mm_prefetch((const char *)q + L1_BLOCKS * 256 + l, _MM_HINT_T0);
        if ((b & 1) == 0) _mm_prefetch((const char *)(d + (b + 2 * PREFETCH_BLOCKS) * TILE), _MM_HINT_T1);
        if (KIND == LLMK_X16_Q5_0) _mm_prefetch((const char *)(hb + 8 * (b + PREFETCH_BLOCKS)), _MM_HINT_T1);
        __m512i v[8]; /* u8: v[c] lane r = elements 4c .. 4c + 3 of row r's block (0..15) */
        for (int c = 0; c < 4; c++) {
            if (Q8) { /* vector c at 64 c, as the nibble kinds' low (c < 4) and high (c + 4) halves */
                v[c] = _mm512_loadu_si512((const void *)(q + 64 * c));
                v[c + 4] = _mm512_loadu_si512((const void *)(q + 256 + 64 * c));
                continue;
            }
            __m512i u = _mm512_loadu_si512((const void *)(q + 64 * c));
            v[c] = _mm512_and_si512(u, m4);
            v[c + 4] = _mm512_and_si512(_mm512_srli_epi16(u, 4), m4);
            if (IQ) {
                v[c] = _mm512_shuffle_epi8(lut, v[c]);
                v[c + 4] = _mm512_shuffle_epi8(lut, v[c + 4]);
            }
            if (KIND == LLMK_X16_Q5_0) {
                const __m512i b16 = _mm512_set1_epi8(0x10);
                v[c] = _mm512_or_si512(v[c], _mm512_maskz_mov_epi8(hb[8 * b + c], b16));
                v[c + 4] = _mm512_or_si512(v[c + 4], _mm512_maskz_mov_epi8(hb[8 * b + c + 4], b16));
            }
        }
        __m512 dx = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(d + b * TILE)));
        for (int j = 0; j < TT; j++) {
            const int8_t *yq = ((const block_q8_0 *)(xa + (size_t)j * arow) + b)->qs;
            const float *a = act + 2 * (j * nb + b);
            __m512i s = _mm512_set1_epi32(((const int32_t *)a)[1]);
            for (int c = 0; c < 8; c++) {
                int32_t four;
                memcpy(&four, yq + 4 * c, 4);
                s = _mm512_dpbusd_epi32(s, v[c], _mm512_set1_epi32(four));
            }
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dx, _mm512_set1_ps(a[0])), acc[j]);
        }
    }
    for (int j = 0; j < TT; j++) _mm512_storeu_ps(out + (int64_t)j * rows, acc[j]);
}

/* Rows [r0, r1) (multiples of 16) of the packed matrix times ntok tokens. Tokens go in blocks whose activations stay
 * in L2 (a 512-token prompt's are 1 MiB at 2048 columns, 4 MiB at 8192); within a block every tile is read once from
 * memory and then, past 8 tokens, again from L1/L2 for each further group of 8. The grouping changes no output's
 * arithmetic. */
int llmk_matmul_q4_x16_avx512(int kind, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok,
                              float *out, int64_t r0, int64_t r1) {
    if (rows % TILE != 0 || r0 % TILE != 0 || r1 % TILE != 0 || cols % QK4_0 != 0) return -1;
    int64_t nb = cols / QK8_0;
    size_t arow = (size_t)nb * sizeof(block_q8_0);
    float *act = llmk_scratch(LLMK_SCRATCH_Q4_ACT, (size_t)2 * ntok * nb * sizeof(float));
    if (!act) return -2;
    llmk_q4_prepare_act((const char *)xa, arow, ntok, nb, LLMK_X16_BIAS(kind), act);
    if ((llmk_cpu_features() & LLMK_CPU_AMX_INT8) && ntok >= LLMK_AMX_MIN_TOKENS)
        return llmk_matmul_q4_x16_amx(kind, w, rows, cols, xa, ntok, out, r0, r1, act);
    size_t tile_block = LLMK_X16_BLOCK_BYTES(kind);
#define TT_CALL(n, r, t)                                                                                               \
    do {                                                                                                               \
        const uint8_t *tile = (const uint8_t *)w + (size_t)((r) / TILE) * nb * tile_block;                             \
        const char *x = (const char *)xa + (size_t)(t) * arow;                                                         \
        const float *a = act + (size_t)2 * (t) * nb;                                                                   \
        float *o = out + (int64_t)(t) * rows + (r);                                                                    \
        if (kind == LLMK_X16_IQ4_NL) tile_tokens(LLMK_X16_IQ4_NL, n, tile, nb, x, arow, a, o, rows);                   \
        else if (kind == LLMK_X16_Q5_0) tile_tokens(LLMK_X16_Q5_0, n, tile, nb, x, arow, a, o, rows);                  \
        else if (kind == LLMK_X16_Q8_0) tile_tokens(LLMK_X16_Q8_0, n, tile, nb, x, arow, a, o, rows);                  \
        else tile_tokens(LLMK_X16_Q4_0, n, tile, nb, x, arow, a, o, rows);                                             \
    } while (0)
    LLMK_X16_FOR_GROUPS(ntok, arow, r0, r1, 8, TT_CALL);
#undef TT_CALL
    return 0;
}
