/* The packed 16-row layouts' writers (llmk_pack through llmk_dispatch.c) and the per-call activation tables their
 * kernels share, in plain C compiled with the base flags only: packing runs on every x86-64 CPU that has a packed
 * kernel (AVX2 or AVX-512), so it must not carry another ISA's instructions. The layouts themselves are described
 * once, at the top of the AVX-512 kernels' files (llmk_avx512_q4_x16.c, _q45k_x16.c, _q23k_x16.c); the AVX2
 * kernels (llmk_avx2_*_x16.c) read the same bytes. */
#include <stddef.h>
#include <string.h>
#include <emmintrin.h>

#include "llmk_internal.h"

#define TILE 16
#define HEAD_BYTES 320 /* Q4_K / Q5_K: scales, mins, d, dmin */
#define QS_BYTES 2048
#define CHUNK(HIGH) ((HIGH) ? LLMK_Q5_K_X16_BLOCK_BYTES : LLMK_Q4_K_X16_BLOCK_BYTES)
#define CHUNK23(THREE) ((THREE) ? LLMK_Q3_K_X16_BLOCK_BYTES : LLMK_Q2_K_X16_BLOCK_BYTES)
#define Q2_QS 320
#define Q3_HMASK 288
#define Q3_QS 800

/* The nibbles and the scales of a Q4_0-shaped kind (Q4_0, IQ4_NL, Q5_0): rows of blocks of block_bytes, each an f16
 * d at 0 and 16 bytes of nibbles at qs_at, re-laid as that kind's tiles (LLMK_X16_BLOCK_BYTES, LLMK_X16_SCALES_AT). */
static void pack_nibbles_x16(int kind, const uint8_t *w, size_t block_bytes, size_t qs_at, int64_t rows, int64_t nb,
                             uint8_t *dst) {
    for (int64_t t = 0; t < rows / TILE; t++) {
        uint8_t *qs = dst + (size_t)t * nb * LLMK_X16_BLOCK_BYTES(kind);
        uint16_t *d = (uint16_t *)(qs + (size_t)nb * LLMK_X16_SCALES_AT(kind));
        for (int r = 0; r < TILE; r++) {
            const uint8_t *row = w + (size_t)(t * TILE + r) * nb * block_bytes;
            for (int64_t b = 0; b < nb; b++) {
                const uint8_t *blk = row + (size_t)b * block_bytes;
                for (int c = 0; c < 4; c++) memcpy(qs + (size_t)b * 256 + 64 * c + 4 * r, blk + qs_at + 4 * c, 4);
                memcpy(&d[b * TILE + r], blk, 2);
            }
        }
    }
}

int llmk_pack_q4_0_x16(const void *w, int64_t rows, int64_t cols, void *dst) {
    if (rows % TILE != 0 || cols % QK4_0 != 0) return -1;
    pack_nibbles_x16(LLMK_X16_Q4_0, w, sizeof(block_q4_0), offsetof(block_q4_0, qs), rows, cols / QK4_0, dst);
    return 0;
}

int llmk_pack_q5_0_x16(const void *w, int64_t rows, int64_t cols, void *dst) {
    if (rows % TILE != 0 || cols % QK4_0 != 0) return -1;
    int64_t nb = cols / QK4_0;
    pack_nibbles_x16(LLMK_X16_Q5_0, w, sizeof(block_q5_0), offsetof(block_q5_0, qs), rows, nb, dst);
    for (int64_t t = 0; t < rows / TILE; t++) { /* then the fifth bits, between the nibbles and the scales */
        uint64_t *hb = (uint64_t *)((uint8_t *)dst + (size_t)t * nb * LLMK_Q5_0_X16_BLOCK_BYTES + (size_t)nb * 256);
        memset(hb, 0, (size_t)nb * 64);
        for (int r = 0; r < TILE; r++) {
            const block_q5_0 *row = (const block_q5_0 *)w + (size_t)(t * TILE + r) * nb;
            for (int64_t b = 0; b < nb; b++) {
                uint32_t qh;
                memcpy(&qh, row[b].qh, 4);
                for (int v = 0; v < 8; v++) /* mask v, bit 4r + i: the fifth bit of element 4v + i (v < 4) or 16 + 4(v - 4) + i */
                    for (int i = 0; i < 4; i++) {
                        int e = v < 4 ? 4 * v + i : 16 + 4 * (v - 4) + i;
                        hb[8 * b + v] |= (uint64_t)((qh >> e) & 1) << (4 * r + i);
                    }
            }
        }
    }
    return 0;
}

int llmk_pack_q8_0_x16(const void *w, int64_t rows, int64_t cols, void *dst) {
    if (rows % TILE != 0 || cols % QK8_0 != 0) return -1;
    int64_t nb = cols / QK8_0;
    for (int64_t t = 0; t < rows / TILE; t++) {
        uint8_t *qs = (uint8_t *)dst + (size_t)t * nb * LLMK_Q8_0_X16_BLOCK_BYTES;
        uint16_t *d = (uint16_t *)(qs + (size_t)nb * 512);
        for (int r = 0; r < TILE; r++) {
            const block_q8_0 *row = (const block_q8_0 *)w + (size_t)(t * TILE + r) * nb;
            for (int64_t b = 0; b < nb; b++) {
                for (int c = 0; c < 8; c++)
                    for (int e = 0; e < 4; e++) /* w + 128: the unsigned byte vpdpbusd takes */
                        qs[(size_t)b * 512 + 64 * c + 4 * r + e] = (uint8_t)(row[b].qs[4 * c + e] ^ 0x80);
                d[b * TILE + r] = row[b].d;
            }
        }
    }
    return 0;
}

int llmk_pack_q45k_x16(int five, const void *w, int64_t rows, int64_t cols, void *dst) {
    if (rows % TILE != 0 || cols % QK_K != 0) return -1;
    int64_t nb = cols / QK_K;
    size_t chunk = CHUNK(five), row_bytes = (size_t)nb * (five ? sizeof(block_q5_K) : sizeof(block_q4_K));
    for (int64_t t = 0; t < rows / TILE; t++) {
        for (int r = 0; r < TILE; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)(t * TILE + r) * row_bytes;
            for (int64_t b = 0; b < nb; b++) {
                uint8_t *o = (uint8_t *)dst + (size_t)(t * nb + b) * chunk;
                const uint8_t *scales, *qs, *qh = NULL;
                uint16_t d, dmin;
                if (five) {
                    const block_q5_K *k = (const block_q5_K *)row + b;
                    scales = k->scales, qs = k->qs, qh = k->qh, d = k->d, dmin = k->dmin;
                } else {
                    const block_q4_K *k = (const block_q4_K *)row + b;
                    scales = k->scales, qs = k->qs, d = k->d, dmin = k->dmin;
                }
                for (int j = 0; j < 8; j++)
                    llmk_k4_scale_min(j, scales, &o[16 * j + r], &o[128 + 32 * (j / 2) + 2 * r + (j & 1)]);
                memcpy(o + 256 + 2 * r, &d, 2);
                memcpy(o + 288 + 2 * r, &dmin, 2);
                for (int p = 0; p < 4; p++)
                    for (int c = 0; c < 8; c++)
                        memcpy(o + HEAD_BYTES + 512 * p + 64 * c + 4 * r, qs + 32 * p + 4 * c, 4);
                if (five)
                    for (int c = 0; c < 8; c++) memcpy(o + HEAD_BYTES + QS_BYTES + 64 * c + 4 * r, qh + 4 * c, 4);
            }
        }
    }
    return 0;
}

int llmk_pack_q23k_x16(int three, const void *w, int64_t rows, int64_t cols, void *dst) {
    if (rows % TILE != 0 || cols % QK_K != 0) return -1;
    int64_t nb = cols / QK_K;
    size_t chunk = CHUNK23(three), row_bytes = (size_t)nb * (three ? sizeof(block_q3_K) : sizeof(block_q2_K));
    for (int64_t t = 0; t < rows / TILE; t++) {
        for (int r = 0; r < TILE; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)(t * TILE + r) * row_bytes;
            for (int64_t b = 0; b < nb; b++) {
                uint8_t *o = (uint8_t *)dst + (size_t)(t * nb + b) * chunk;
                if (three) {
                    const block_q3_K *k = (const block_q3_K *)row + b;
                    uint8_t sc[16];
                    llmk_q3_k_scales(k->scales, sc);
                    for (int j = 0; j < 16; j++) o[16 * j + r] = (uint8_t)(int8_t)(sc[j] - 32);
                    memcpy(o + 256 + 2 * r, &k->d, 2);
                    for (int m = 0; m < 8; m++) memcpy(o + Q3_HMASK + 64 * m + 4 * r, k->hmask + 4 * m, 4);
                    for (int c = 0; c < 16; c++) memcpy(o + Q3_QS + 64 * c + 4 * r, k->qs + 4 * c, 4);
                } else {
                    const block_q2_K *k = (const block_q2_K *)row + b;
                    for (int j = 0; j < 16; j++) o[32 * (j / 2) + 2 * r + (j & 1)] = k->scales[j];
                    memcpy(o + 256 + 2 * r, &k->d, 2);
                    memcpy(o + 288 + 2 * r, &k->dmin, 2);
                    for (int c = 0; c < 16; c++) memcpy(o + Q2_QS + 64 * c + 4 * r, k->qs + 4 * c, 4);
                }
            }
        }
    }
    return 0;
}

void llmk_x16_prepare_bsums(const char *xa, size_t arow, int ntok, int64_t nb, int32_t *bs) {
    for (int t = 0; t < ntok; t++) {
        const block_q8_K *y = (const block_q8_K *)(xa + (size_t)t * arow);
        for (int64_t b = 0; b < nb; b++) {
            int16_t s[8];
            for (int j = 0; j < 8; j++) s[j] = (int16_t)(y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
            memcpy(bs + 4 * ((int64_t)t * nb + b), s, 16);
        }
    }
}

void llmk_x16_prepare_q3_offsets(const char *xa, size_t arow, int ntok, int64_t nb, int32_t *off) {
    for (int t = 0; t < ntok; t++) {
        const block_q8_K *y = (const block_q8_K *)(xa + (size_t)t * arow);
        for (int64_t b = 0; b < nb; b++)
            for (int j = 0; j < 16; j++) off[16 * ((int64_t)t * nb + b) + j] = -4 * y[b].bsums[j];
    }
}

void llmk_q4_prepare_act(const char *xa, size_t arow, int ntok, int64_t nb, int bias, float *act) {
    const __m128i flip = _mm_set1_epi8((char)0x80), zero = _mm_setzero_si128();
    for (int t = 0; t < ntok; t++) {
        const block_q8_0 *y = (const block_q8_0 *)(xa + (size_t)t * arow);
        for (int64_t b = 0; b < nb; b++) {
            /* sum of the 32 signed bytes: psadbw of the bytes + 128 (SSE2, every x86-64), less 32 * 128 */
            __m128i s = _mm_add_epi64(
                _mm_sad_epu8(_mm_xor_si128(_mm_loadu_si128((const __m128i *)y[b].qs), flip), zero),
                _mm_sad_epu8(_mm_xor_si128(_mm_loadu_si128((const __m128i *)(y[b].qs + 16)), flip), zero));
            int sum = (int)(_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s))) - 32 * 128;
            int32_t neg = -bias * sum;
            act[2 * (t * nb + b)] = llmk_f16_table[y[b].d];
            memcpy(&act[2 * (t * nb + b) + 1], &neg, 4);
        }
    }
}
