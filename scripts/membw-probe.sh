#!/usr/bin/env bash
# scripts/membw-probe.sh [GIB] [THREADS]: a plain C read-bandwidth probe, the cross-check of `bin/quanta bench
# --memory`. Writes a small C program to a temporary directory, compiles it with gcc (-O3 -march=native -fopenmp)
# and runs it: a buffer of GIB GiB (default 1) filled once, then every thread sums its contiguous share of it as
# 64-bit words (the compiler vectorizes the loop: streaming loads, no stores), best of 5 passes. Prints one line:
#   c-probe: read 1.00 GiB with 2 threads, best of 5: 27.31 GB/s (GB = 10^9 bytes)
# Nothing is committed but this script; the binary lives and dies in the temporary directory.
set -euo pipefail

GIB="${1:-1}"
THREADS="${2:-$(nproc)}"
command -v gcc >/dev/null || { echo "membw-probe: gcc not found" >&2; exit 1; }

DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT

cat >"$DIR/probe.c" <<'C'
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One pass: every thread sums its own contiguous share; the sums are combined so no load is dead code. */
static uint64_t pass(const uint64_t *buf, size_t words) {
    uint64_t total = 0;
#pragma omp parallel reduction(+ : total)
    {
        int t = omp_get_thread_num(), n = omp_get_num_threads();
        size_t lo = words * t / n, hi = words * (t + 1) / n;
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        size_t i = lo;
        for (; i + 4 <= hi; i += 4) {
            s0 += buf[i];
            s1 += buf[i + 1];
            s2 += buf[i + 2];
            s3 += buf[i + 3];
        }
        for (; i < hi; i++) {
            s0 += buf[i];
        }
        total += s0 + s1 + s2 + s3;
    }
    return total;
}

int main(int argc, char **argv) {
    double gib = atof(argv[1]);
    size_t bytes = (size_t)(gib * 1073741824.0) & ~(size_t)63;
    size_t words = bytes / 8;
    uint64_t *buf = aligned_alloc(64, bytes);
    if (!buf) { fprintf(stderr, "membw-probe: cannot allocate %zu bytes\n", bytes); return 1; }
    /* first touch in parallel, by the threads that later read the same share */
#pragma omp parallel
    {
        int t = omp_get_thread_num(), n = omp_get_num_threads();
        size_t lo = words * t / n, hi = words * (t + 1) / n;
        for (size_t i = lo; i < hi; i++) buf[i] = i * 0x9E3779B97F4A7C15ull;
    }
    double best = 0;
    uint64_t sink = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = omp_get_wtime();
        sink += pass(buf, words);
        double gbs = bytes / (omp_get_wtime() - t0) / 1e9;
        if (gbs > best) best = gbs;
    }
    printf("c-probe: read %.2f GiB with %d threads, best of 5: %.2f GB/s (GB = 10^9 bytes) [checksum %llx]\n",
           bytes / 1073741824.0, omp_get_max_threads(), best, (unsigned long long)sink);
    free(buf);
    return 0;
}
C

gcc -O3 -march=native -fopenmp -o "$DIR/probe" "$DIR/probe.c"
OMP_NUM_THREADS="$THREADS" OMP_PROC_BIND=spread "$DIR/probe" "$GIB"
