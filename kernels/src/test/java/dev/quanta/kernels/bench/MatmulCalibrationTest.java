package dev.quanta.kernels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quanta.gguf.GgmlType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the calibration: combining sweeps and fitting the lines (no timing). */
class MatmulCalibrationTest {

    private static MatmulCalibration.Point at(int rows, int cols, int tokens, double seconds) {
        return new MatmulCalibration.Point(rows, cols, tokens, seconds, 1.0);
    }

    @Test
    void medianKeepsEachShapesMiddleTimeAcrossSweeps() {
        List<MatmulCalibration.Point> a = List.of(at(512, 512, 1, 3e-6), at(2048, 2048, 128, 9e-3));
        List<MatmulCalibration.Point> b = List.of(at(512, 512, 1, 1e-6), at(2048, 2048, 128, 4e-3));
        List<MatmulCalibration.Point> c = List.of(at(512, 512, 1, 2e-6), at(2048, 2048, 128, 5e-3));

        List<MatmulCalibration.Point> median = MatmulCalibration.median(List.of(a, b, c));

        assertThat(median).extracting(MatmulCalibration.Point::seconds).containsExactly(2e-6, 5e-3);
        assertThat(median.get(1).rows()).isEqualTo(2048);
    }

    @Test
    void medianOfTwoSweepsIsTheFasterAndOfOneIsItself() {
        List<MatmulCalibration.Point> slow = List.of(at(512, 512, 1, 4e-6));
        List<MatmulCalibration.Point> fast = List.of(at(512, 512, 1, 2e-6));

        assertThat(MatmulCalibration.median(List.of(slow, fast))).isEqualTo(fast);
        assertThat(MatmulCalibration.median(List.of(slow))).isEqualTo(slow);
    }

    @Test
    void medianRefusesNoSweepsAndSweepsOfDifferentShapes() {
        assertThatThrownBy(() -> MatmulCalibration.median(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MatmulCalibration.median(List.of(List.of(at(512, 512, 1, 1e-6)),
                List.of(at(512, 512, 1, 1e-6), at(1536, 512, 1, 1e-6))))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fitRecoversTheCallCostAndRatesOfExactLines() {
        double call = 5e-6;
        double bytesPerSecond = 20e9;
        double promptCall = 40e-6;
        double opsPerSecond = 500e9;
        List<MatmulCalibration.Point> points = new java.util.ArrayList<>();
        for (int[] s : MatmulCalibration.DECODE_SHAPES) {
            points.add(at(s[0], s[1], 1, call + GgmlType.Q4_0.byteSize((long) s[0] * s[1]) / bytesPerSecond));
        }
        for (int[] s : MatmulCalibration.PROMPT_SHAPES) {
            points.add(at(s[0], s[1], 128, promptCall + 2.0 * s[0] * s[1] * 128 / opsPerSecond));
        }

        MatmulCalibration.TypeRate r = MatmulCalibration.fit(GgmlType.Q4_0, points);

        assertThat(r.decodeCallSeconds()).isCloseTo(call, within(1e-9));
        assertThat(r.decodeBytesPerSecond()).isCloseTo(bytesPerSecond, within(1e3));
        assertThat(r.promptCallSeconds()).isCloseTo(promptCall, within(1e-9));
        assertThat(r.promptOpsPerSecond()).isCloseTo(opsPerSecond, within(1e4));
    }

    @Test
    void callCostIsPinnedByTheSmallShapesWhenTheLargeOnesAreNoisy() {
        // exact line 10 us + ops / 650 GOPS; the three large shapes off by 3%, as a shared host gives them
        double call = 10e-6;
        double opsPerSecond = 650e9;
        double[] noise = {1, 1, 1.03, 0.97, 0.97};
        List<MatmulCalibration.Point> points = new java.util.ArrayList<>();
        for (int i = 0; i < MatmulCalibration.PROMPT_SHAPES.size(); i++) {
            int[] s = MatmulCalibration.PROMPT_SHAPES.get(i);
            points.add(at(s[0], s[1], 128, (call + 2.0 * s[0] * s[1] * 128 / opsPerSecond) * noise[i]));
        }
        points.add(at(512, 512, 1, 1e-5));
        points.add(at(2048, 2048, 1, 1e-4));

        MatmulCalibration.TypeRate r = MatmulCalibration.fit(GgmlType.Q8_0, points);

        // in absolute seconds the same points give 44.6 us: the large shapes' noise decides the intercept
        assertThat(r.promptCallSeconds()).isCloseTo(call, within(3e-6));
        assertThat(r.promptOpsPerSecond()).isCloseTo(opsPerSecond, within(0.03 * opsPerSecond));
    }

    @Test
    void relativeFitRefusesTimesThatAreNotPositive() {
        assertThatThrownBy(() -> MatmulCalibration.fitRelative(new double[] {1, 2}, new double[] {0, 1e-3}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
