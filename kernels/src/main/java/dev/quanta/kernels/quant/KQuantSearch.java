package dev.quanta.kernels.quant;

import java.util.Arrays;

/**
 * The scale searches behind ggml's reference K-quantizers ({@code make_qx_quants}, {@code make_q3_quants},
 * {@code make_qkx2_quants}) and the 6-bit scale/min unpacking shared by Q4_K and Q5_K
 * ({@code get_scale_min_k4}). Float expressions keep C's evaluation order term by term (no fused
 * multiply-add) so the chosen levels, and therefore the bytes, match the C reference.
 */
final class KQuantSearch {

    /** Groups whose largest magnitude is below this are treated as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantSearch() {}

    /** The element of x[xOff..xOff+n) with the largest magnitude, sign kept (the first one on ties; 0 if all are). */
    static float signedMax(float[] x, int xOff, int n) {
        float max = 0f;
        float amax = 0f;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        return max;
    }

    /**
     * Symmetric levels in [0, 2·nmax) for x[xOff..xOff+n) with weights x² (rmse_type 1, no importance
     * matrix), trying 18 scales around nmax/max; writes L[lOff..] and returns the scale.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff) {
        return makeQxQuants(n, nmax, x, xOff, levels, lOff, null);
    }

    /**
     * make_qx_quants with rmse_type 1 and explicit weights {@code qw[0..n)} (the importance-weighted path), or
     * weights x² when {@code qw} is null.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff, float[] qw) {
        float max = signedMax(x, xOff, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0f;
        float suml2 = 0f;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = Le.nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            levels[lOff + i] = l + nmax;
            float w = qw != null ? qw[i] : xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0f ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0f;
            suml2 = 0f;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = Le.nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = qw != null ? qw[i] : xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = Le.nearestInt(iscale * x[xOff + i]);
                    levels[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** make_q3_quants with do_rmse: iterative per-element refinement, levels in [0, 2·nmax). */
    static float makeQ3Quants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff) {
        float max = signedMax(x, xOff, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0f;
        float suml2 = 0f;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = Le.nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            levels[lOff + i] = l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; itry++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int li = levels[lOff + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = Le.nearestInt(xi * sl2 / slx);
                    newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[lOff + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            levels[lOff + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * make_qkx2_quants: asymmetric levels in [0, nmax] with a non-positive min, searching nstep+1 scales.
     * Writes L[lOff..], stores -min in {@code theMin[minIndex]} and returns the scale.
     *
     * @param weights per-element weights, length ≥ n
     * @param aux scratch of length ≥ n
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] weights, int[] levels, int lOff,
            float[] theMin, int minIndex, int[] aux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            theMin[minIndex] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0f;
        for (int i = 0; i < n; i++) {
            int l = Le.nearestInt(iscale * (x[xOff + i] - min));
            levels[lOff + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * levels[lOff + i] + min - x[xOff + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[minIndex] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0f;
            float sumL2 = 0f;
            float sumXl = 0f;
            for (int i = 0; i < n; i++) {
                int l = Le.nearestInt(iscale * (x[xOff + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0f;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[minIndex] = -min;
        return scale;
    }

    /**
     * get_scale_min_k4: the 6-bit scale (returned in bits 0..7) and min (bits 8..15) of sub-block j (0..7)
     * from the 12 packed bytes at {@code scales[0..12)}.
     */
    static int scaleMinK4(int j, int[] q) {
        int d;
        int m;
        if (j < 4) {
            d = q[j] & 63;
            m = q[j + 4] & 63;
        } else {
            d = (q[j + 4] & 0xF) | ((q[j - 4] >>> 6) << 4);
            m = (q[j + 4] >>> 4) | ((q[j] >>> 6) << 4);
        }
        return d | (m << 8);
    }
}
