/* AVX2 dots of Q4_1, Q5_0, Q5_1 and the K-quants (llmk_quant_tiles.inc, compiled with -mavx2 -mfma -mf16c):
 * unsigned x signed bytes through maddubs + madd. */
#include "llmk_avx2_util.h"

#define LLMK_SFX(name) name##_avx2
#define QT_ATTR
#define QT_SUM_U8(u, y) _mm256_madd_epi16(_mm256_maddubs_epi16(u, y), _mm256_set1_epi16(1))
#include "llmk_quant_tiles.inc"
