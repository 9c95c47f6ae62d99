package dev.quanta.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The lease tests' clock: a lapse happens when a test says so, not when the machine is slow. */
class MutableClockTest {

    @Test
    void standsStillUntilAdvanced() throws InterruptedException {
        MutableClock clock = new MutableClock();
        Instant first = clock.instant();
        Thread.sleep(5); // NOTE: with the old "system time + offset" clock this moved the instant
        assertThat(clock.instant()).isEqualTo(first);

        clock.advance(Duration.ofSeconds(29));
        assertThat(clock.instant()).isEqualTo(first.plusSeconds(29));
    }
}
