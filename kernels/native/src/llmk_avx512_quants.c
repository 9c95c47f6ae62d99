/* AVX-512 VNNI dots of Q4_1, Q5_0, Q5_1 and the K-quants (llmk_quant_tiles.inc, compiled with AVX-512 F/BW/VL/DQ
 * and VNNI; installed only when CPUID reports VNNI): unsigned x signed bytes through one vpdpbusd, the K-quants'
 * scaled sums on 512-bit registers (QT_WIDE), and 32 vector registers, so a tile of 8 tokens keeps a block's weight
 * and scale vectors and its accumulators without spilling. Integer sums equal AVX2's (maddubs never saturates for these value ranges), and the float steps are
 * the same, so results are bit-identical to the AVX2 level's. */
#include "llmk_avx2_util.h"

#define LLMK_SFX(name) name##_avx512
#define QT_ATTR
#define QT_WIDE
#define QT_SUM_U8(u, y) _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, y)
#include "llmk_quant_tiles.inc"
