/*
 * llmk.h: the one public header of Quanta's native kernels (libquanta_kernels).
 *
 * Conventions
 *  - Types are ggml type ids (LLMK_TYPE_*), block layouts as in ggml-common.h (see llmk_blocks.h).
 *  - Every kernel exists as a scalar reference (suffix _ref) and, on x86-64, AVX2 (+FMA+F16C) and AVX-512
 *    (F/BW/VL/DQ, VNNI where present) variants; a variant never changes a signature.
 *  - The driver functions (llmk_matmul, llmk_rms_norm, ...) take an `isa` argument (LLMK_ISA_*) so one process
 *    can run every path; a level above what the CPU supports is clamped to llmk_cpu_isa().
 *  - QUANTA_KERNELS_ISA=scalar|avx2|avx512 in the environment caps llmk_default_isa() (read once at load).
 *  - All pointers are to little-endian data; f32 tensors are row-major. Shapes are [outer][inner].
 *  - Functions are thread-safe: they keep no state besides the read-only tables built at load.
 */
#ifndef LLMK_H
#define LLMK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LLMK_VERSION 1

/* Instruction-set levels; each implies the previous. */
#define LLMK_ISA_SCALAR 0
#define LLMK_ISA_AVX2 1   /* AVX2 + FMA + F16C */
#define LLMK_ISA_AVX512 2 /* AVX-512 F/BW/VL/DQ */

/* Bits of llmk_cpu_features(). */
#define LLMK_CPU_AVX2 1       /* AVX2, FMA and F16C all present */
#define LLMK_CPU_AVX512 2     /* AVX-512 F, BW, VL and DQ all present */
#define LLMK_CPU_AVX512VNNI 4 /* AVX512_VNNI */
#define LLMK_CPU_AMX_INT8 8   /* AMX-TILE and AMX-INT8, with the tile state granted by the OS; QUANTA_KERNELS_AMX=off clears it */

/* ggml type ids. */
#define LLMK_TYPE_F32 0
#define LLMK_TYPE_F16 1
#define LLMK_TYPE_Q4_0 2
#define LLMK_TYPE_Q4_1 3
#define LLMK_TYPE_Q5_0 6
#define LLMK_TYPE_Q5_1 7
#define LLMK_TYPE_Q8_0 8
#define LLMK_TYPE_Q8_1 9
#define LLMK_TYPE_Q2_K 10
#define LLMK_TYPE_Q3_K 11
#define LLMK_TYPE_Q4_K 12
#define LLMK_TYPE_Q5_K 13
#define LLMK_TYPE_Q6_K 14
#define LLMK_TYPE_Q8_K 15
#define LLMK_TYPE_IQ4_NL 20 /* 32 el: f16 d, 16 bytes of 4-bit indices into kvalues_iq4nl */
#define LLMK_TYPE_BF16 30
#define LLMK_TYPE_COUNT 31

/* Most tokens one vec_dot call handles (matmul tiles the tokens by this). */
#define LLMK_MAX_TILE 8

/* ---- library information ---- */
int llmk_version(void);
int llmk_cpu_features(void); /* LLMK_CPU_* bits of this CPU (0 on non-x86) */
int llmk_cpu_isa(void);      /* best LLMK_ISA_* this CPU runs */
int llmk_default_isa(void);  /* llmk_cpu_isa() capped by QUANTA_KERNELS_ISA */

/* Bytes of n elements of `type` (n a multiple of its block size), or -1 when unsupported / not whole blocks. */
int64_t llmk_row_bytes(int type, int64_t n);
/* The activation format paired with weight type `wtype` (IQ4_NL: Q8_0): Q8_0, Q8_1, Q8_K, or F32 for float weights; -1 if none. */
int llmk_activation_type(int wtype);

/* ---- activation quantization: y = quantize(x), rows of n f32 (n a multiple of the block size) ----
 * y: [nrows][llmk_row_bytes(act_type, n)]. act_type F32 copies. Returns 0, or -1 for an unsupported type. */
int llmk_quantize_rows(int isa, int act_type, const float *x, void *y, int64_t n, int64_t nrows);

/* ---- dot products: s[t] = dot(w[0..n), x_t[0..n)) for t < nt (1 <= nt <= LLMK_MAX_TILE), where x_t starts
 * at (const char *)x + t * bx and is in llmk_activation_type(wtype). Returns 0, or -1 for an unsupported type. */
int llmk_vec_dot(int isa, int wtype, int64_t n, const void *w, const void *x, size_t bx, int nt, float *s);

/* ---- matrix x many tokens, rows [r0, r1) only (callers split rows over threads) ----
 * w: [rows][cols] of wtype; xa: [ntok][llmk_row_bytes(llmk_activation_type(wtype), cols)] activations already
 * quantized with llmk_quantize_rows; out: f32 [ntok][rows], out[t][r] = dot(w[r], x[t]).
 * Every weight block is loaded once per LLMK_MAX_TILE tokens (the row stays in L1 across tiles).
 * Returns 0, -1 for an unsupported type, or -2 when scratch memory could not be allocated. */
int llmk_matmul(int isa, int wtype, const void *w, int64_t rows, int64_t cols, const void *xa, int ntok, float *out,
                int64_t r0, int64_t r1);

/* ---- packed weights: a matrix re-laid once (at model load) for this ISA's fastest matmul ----
 * llmk_packed_type: the packed type id of a rows x cols matrix of wtype on isa, or -1 when that ISA multiplies the
 * matrix as it is (no packed form: every ISA but AVX2 and AVX-512, every type but Q4_0, IQ4_NL, Q5_0, Q8_0 and
 * Q2_K .. Q5_K; rows not a multiple of LLMK_PACK_ROWS). llmk_packed_bytes: the packed copy's size in
 * bytes (Q4_0, IQ4_NL, Q8_0, Q2_K: the
 * matrix's own, rows x llmk_row_bytes(wtype, cols); Q3_K, Q4_K, Q5_K: 114 / 110, 148 / 144 and 180 / 176 of it), or
 * -1 for an unknown id.
 * llmk_pack writes the packed copy of w to dst (llmk_packed_bytes of it) and returns 0, or -1 as llmk_packed_type.
 * llmk_matmul takes the packed id as its wtype (activations as for wtype: llmk_activation_type accepts it); r0 and
 * r1 must then be multiples of LLMK_PACK_ROWS. Q4_0: results bit-identical to the unpacked matrix's (both follow
 * llama.cpp's repacked q4_0 order). IQ4_NL: llama.cpp's repacked iq4_nl_8x8 order (acc = fma(isum, dx * dy, acc) per
 * row and block), which differs in the last bits from the unpacked matrix's 8-lane order (llama.cpp's without
 * repacking). Q8_0: llama.cpp's repacked q8_0 order (the same formula; llama.cpp runs it on Arm), which differs in
 * the last bits from the unpacked matrix's 8-lane x86 order. Q2_K .. Q5_K: bit-identical to the unpacked matrix's on
 * every ISA (the engine's order, llmk_ref_kquants.c). */
#define LLMK_PACKED_Q4_0_X16 100 /* layout: llmk_avx512_q4_x16.c */
#define LLMK_PACKED_IQ4_NL_X16 101 /* IQ4_NL in the same layout (its blocks have Q4_0's shape); llama.cpp's iq4_nl_8x8 order */
#define LLMK_PACKED_Q4_K_X16 102 /* layout: llmk_avx512_q45k_x16.c */
#define LLMK_PACKED_Q5_K_X16 103 /* the same layout with the fifth bits */
#define LLMK_PACKED_Q2_K_X16 104 /* layout: llmk_avx512_q23k_x16.c */
#define LLMK_PACKED_Q3_K_X16 105 /* the same file, with the high bits and unpacked scales */
#define LLMK_PACKED_Q8_0_X16 106 /* layout: llmk_avx512_q4_x16.c; llama.cpp's repacked q8_0 order */
#define LLMK_PACKED_Q5_0_X16 107 /* layout: llmk_avx512_q4_x16.c; llama.cpp's repacked order as for Q4_0 */
#define LLMK_PACK_ROWS 16
int llmk_packed_type(int isa, int wtype, int64_t rows, int64_t cols);
int64_t llmk_packed_bytes(int packed_type, int64_t rows, int64_t cols);
int llmk_pack(int isa, int wtype, const void *w, int64_t rows, int64_t cols, void *dst);

/* ---- elementwise ---- */
/* ---- element-wise steps of the forward pass, in ggml's CPU arithmetic (the engine's one reference is
 * dev.quanta.kernels.GgmlElementwise) ----
 * RMSNorm per token: f32 [ntok][dim]; sum of squares of float products in double, in order; mean = (float)(sum/dim),
 * scale = 1 / sqrtf(mean + eps); out = (x * scale) * w (w: f32 [dim], or NULL for none). out may be x. */
void llmk_rms_norm(int isa, float *out, const float *x, const float *w, int dim, int ntok, float eps);
/* RoPE in place on x: f32 [ntok][nheads][head_dim], the first rope_dim of each head; cos_sin: f32 [ntok][rope_dim],
 * (cos, sin) of each pair's angle; pairs (2i, 2i+1), or (i, i + rope_dim/2) when neox; a' = fma(a, c, -(b s)),
 * b' = fma(a, s, b c). */
void llmk_rope(int isa, float *x, const float *cos_sin, int ntok, int nheads, int head_dim, int rope_dim, int neox);
/* SwiGLU in place, rows of n: gate = silu(gate) * up, silu(g) = g / (1 + e^-g); whole vector steps of the ISA (16 on
 * AVX-512, 8 on AVX2) use ggml_v_expf of that ISA, the rest of each row the C library's expf (ggml's generic code:
 * every element). */
void llmk_swiglu(int isa, float *gate, const float *up, int64_t rows, int64_t n);
/* x[i] += y[i], f32 [n]. */
void llmk_add(int isa, float *x, const float *y, int64_t n);
/* Wrapping sum of the 64-bit words p[0 .. n): the read-bandwidth probe's loop (bench --memory). Streaming loads of
 * the ISA's widest vectors into four independent accumulators: on a machine whose memory is far away, scalar loads
 * keep too few misses in flight (measured here: 20 GB/s scalar against 26 GB/s with AVX-512, same buffer). The
 * result does not depend on the ISA. */
uint64_t llmk_sum_words(int isa, const uint64_t *p, int64_t n);
/* y[i] = expf(x[i]) for i < n, bit for bit the C library's expf (glibc's), which the attention kernels' softmax
 * weights must equal: on AVX-512 16 lanes at a time by the library's own double-precision steps, else its calls. */
void llmk_expf(int isa, const float *x, float *y, int64_t n);

/* ---- paged attention for work items [item0, item1), item = query * nkv + kv head (its nheads / nkv query heads) ----
 * q, out: f32 [nq][nheads][head_dim]; k, v: [num_blocks][block_size][nkv][head_dim] of kv_type (F16 or F32);
 * block_tables: i32 [num_seqs][max_blocks], one row per sequence; seq_index: i32 [nq], the row of query t's
 * sequence; seq_lens: i32 [nq] (positions attended, >= 1). Head h reads kv head
 * h / (nheads / nkv). Row indexes and block ids are trusted (the caller validates them). Returns 0, or -1 for a bad kv_type
 * or head_dim > 1024. */
int llmk_attention(int isa, float *out, const float *q, int nq, int nheads, int nkv, int head_dim, const void *k,
                   const void *v, int kv_type, int block_size, const int32_t *block_tables, int max_blocks,
                   const int32_t *seq_index, const int32_t *seq_lens, float scale, int64_t item0, int64_t item1);

/* ---- per-type kernels, one set per ISA suffix (_ref everywhere; _avx2 / _avx512 on x86-64) ----
 * vec_dot signature: (n elements, weights, activations, activation stride in bytes, tokens, results). */
typedef void (*llmk_vec_dot_fn)(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s);
typedef void (*llmk_quantize_fn)(const float *x, void *y, int64_t n);

#define LLMK_DOT(name) void name(int64_t n, const void *w, const void *x, size_t bx, int nt, float *s)
#define LLMK_QUANT(name) void name(const float *x, void *y, int64_t n)

/* The scalar reference: every pairing. */
LLMK_DOT(llmk_vec_dot_f32_f32_ref);
LLMK_DOT(llmk_vec_dot_f16_f32_ref);
LLMK_DOT(llmk_vec_dot_bf16_f32_ref);
LLMK_DOT(llmk_vec_dot_q4_0_q8_0_ref);
LLMK_DOT(llmk_vec_dot_q4_1_q8_1_ref);
LLMK_DOT(llmk_vec_dot_q5_0_q8_0_ref);
LLMK_DOT(llmk_vec_dot_q5_1_q8_1_ref);
LLMK_DOT(llmk_vec_dot_q8_0_q8_0_ref);
LLMK_DOT(llmk_vec_dot_q2_K_q8_K_ref);
LLMK_DOT(llmk_vec_dot_q3_K_q8_K_ref);
LLMK_DOT(llmk_vec_dot_q4_K_q8_K_ref);
LLMK_DOT(llmk_vec_dot_q5_K_q8_K_ref);
LLMK_DOT(llmk_vec_dot_q6_K_q8_K_ref);
LLMK_DOT(llmk_vec_dot_iq4_nl_q8_0_ref);
LLMK_QUANT(llmk_quantize_row_q8_0_ref);
LLMK_QUANT(llmk_quantize_row_q8_1_ref);
LLMK_QUANT(llmk_quantize_row_q8_K_ref);

#if defined(__x86_64__) || defined(_M_X64)
/* SIMD variants (BF16 uses _ref at every level; the AVX-512 set of quantized dots needs VNNI). */
LLMK_DOT(llmk_vec_dot_f32_f32_avx2);
LLMK_DOT(llmk_vec_dot_f16_f32_avx2);
LLMK_DOT(llmk_vec_dot_q4_0_q8_0_avx2);
LLMK_DOT(llmk_vec_dot_q8_0_q8_0_avx2);
#define LLMK_QUANT_TILE_DOTS(sfx)                 \
    LLMK_DOT(llmk_vec_dot_q4_1_q8_1_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q5_0_q8_0_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q5_1_q8_1_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q2_K_q8_K_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q3_K_q8_K_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q4_K_q8_K_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q5_K_q8_K_##sfx);       \
    LLMK_DOT(llmk_vec_dot_q6_K_q8_K_##sfx);       \
    LLMK_DOT(llmk_vec_dot_iq4_nl_q8_0_##sfx);
LLMK_QUANT_TILE_DOTS(avx2)
LLMK_QUANT_TILE_DOTS(avx512)
LLMK_QUANT(llmk_quantize_row_q8_0_avx2);
LLMK_QUANT(llmk_quantize_row_q8_K_avx2);

LLMK_DOT(llmk_vec_dot_f32_f32_avx512);
LLMK_DOT(llmk_vec_dot_f16_f32_avx512);
LLMK_DOT(llmk_vec_dot_q4_0_q8_0_avx512);
LLMK_DOT(llmk_vec_dot_q8_0_q8_0_avx512);
#endif

#ifdef __cplusplus
}
#endif
#endif /* LLMK_H */
