package dev.quanta.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EjectionTest {

    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void ejectsAfterConsecutiveFailuresAndProbesBackAfterTheWait() {
        Ejection ejection = new Ejection(3, Duration.ofSeconds(5));
        assertThat(ejection.failure("w", t0)).isFalse();
        assertThat(ejection.failure("w", t0)).isFalse();
        assertThat(ejection.isEjected("w")).isFalse();
        assertThat(ejection.failure("w", t0)).isTrue();
        assertThat(ejection.isEjected("w")).isTrue();
        assertThat(ejection.failure("w", t0)).as("already out").isFalse();
        assertThat(ejection.dueForProbe("w", t0.plusSeconds(4))).isFalse();
        assertThat(ejection.dueForProbe("w", t0.plusSeconds(5))).isTrue();
        ejection.probeFailed("w", t0.plusSeconds(5));
        assertThat(ejection.dueForProbe("w", t0.plusSeconds(9))).isFalse();
        ejection.success("w");
        assertThat(ejection.isEjected("w")).isFalse();
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        Ejection ejection = new Ejection(2, Duration.ofSeconds(5));
        ejection.failure("w", t0);
        ejection.success("w");
        assertThat(ejection.failure("w", t0)).isFalse();
        assertThat(ejection.isEjected("w")).isFalse();
    }
}
