// Reference quantizer harness (outside the repo): ggml_quantize_chunk on a raw f32 matrix.
#include <stdio.h>
#include <stdlib.h>
#include "ggml.h"
int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: qref TYPEID NROWS NCOLS IN.f32 OUT [IMATRIX.f32]\n"); return 2; }
    int type = atoi(argv[1]); long nrows = atol(argv[2]), ncols = atol(argv[3]);
    float *x = malloc(nrows*ncols*4); FILE *f = fopen(argv[4], "rb"); fread(x, 4, nrows*ncols, f); fclose(f);
    float *im = NULL;
    if (argc > 6) { im = malloc(ncols*4); f = fopen(argv[6], "rb"); fread(im, 4, ncols, f); fclose(f); }
    ggml_quantize_init(type);
    size_t sz = ggml_row_size(type, ncols) * nrows;
    void *out = malloc(sz);
    size_t got = ggml_quantize_chunk(type, x, out, 0, nrows, ncols, im);
    f = fopen(argv[5], "wb"); fwrite(out, 1, got, f); fclose(f);
    return 0;
}
