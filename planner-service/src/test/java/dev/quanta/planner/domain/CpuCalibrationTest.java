package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The calibration record a CPU node type carries: what it accepts and what it refuses. */
class CpuCalibrationTest {

    private static final CpuCalibration.TypeRate Q4 = new CpuCalibration.TypeRate("q4_0", 2e-5, 30, 1e-4, 400);

    private static CpuCalibration calibration(List<CpuCalibration.TypeRate> types) {
        return new CpuCalibration(2, "native avx512+vnni, 2 threads", 25, 1e-5, 3e-9, 1e-9, 50, 128, types,
                null);
    }

    @Test
    void looksUpRatesByTypeNameInAnyCase() {
        CpuCalibration c = calibration(List.of(Q4));
        assertThat(c.rate("Q4_0")).contains(new CpuCalibration.TypeRate("Q4_0", 2e-5, 30, 1e-4, 400));
        assertThat(c.rate("q4_0")).isPresent();
        assertThat(c.rate("Q8_0")).isEmpty();
    }

    @Test
    void storedAtKeepsEveryFigure() {
        Instant at = Instant.parse("2026-12-05T13:00:00Z");
        CpuCalibration stored = calibration(List.of(Q4)).storedAt(at);
        assertThat(stored.calibratedAt()).isEqualTo(at);
        assertThat(stored.types()).containsExactly(Q4);
        assertThat(stored.readGbPerSecond()).isEqualTo(25);
    }

    @Test
    void refusesMissingDuplicateOrImpossibleFiguresNamingTheField() {
        assertThatThrownBy(() -> calibration(List.of()))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.types"));
        assertThatThrownBy(() -> calibration(List.of(Q4, new CpuCalibration.TypeRate("Q4_0", 0, 1, 0, 1))))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.types"));
        assertThatThrownBy(() -> new CpuCalibration.TypeRate("Q8_0", 0, 0, 0, 1))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.types.decodeGbPerSecond"));
        assertThatThrownBy(() -> new CpuCalibration.TypeRate("Q8_0", -1e-6, 1, 0, 1))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.types.decodeCallSeconds"));
        assertThatThrownBy(() -> new CpuCalibration(2, "k", Double.NaN, 0, 0, 0, 50, 128, List.of(Q4), null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.readGbPerSecond"));
        assertThatThrownBy(() -> new CpuCalibration(2, "k", 25, 0, 0, -1e-9, 50, 128, List.of(Q4), null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration.tokenSecondsPerVocabEntry"));
    }

    @Test
    void onlyCpuNodeTypesCarryACalibration() {
        CpuCalibration c = calibration(List.of(Q4));
        assertThat(new GpuSpec("cpu-x", HardwareKind.CPU, 24, 25, 0.2, null, 0.1, null, 1, 2, c).calibration())
                .isEqualTo(c);
        assertThatThrownBy(() -> new GpuSpec("gpu-x", HardwareKind.GPU, 24, 300, 65, null, null, null, 1, null, c))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("calibration"));
    }
}
