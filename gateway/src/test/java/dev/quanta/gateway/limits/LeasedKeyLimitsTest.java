package dev.quanta.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gateway.config.GatewayProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeasedKeyLimitsTest {

    /** Two replicas' view of one shared store, on one hand-driven clock (nanoseconds). */
    private final long[] now = {1_000_000_000L};
    private final CountingStore store = new CountingStore();

    /** The shared counters as PostgresUsageStore keeps them, windows cut on the (fake) store clock. */
    private final class CountingStore implements UsageStore {
        final Map<String, Long> used = new HashMap<>();
        int reservations;
        int additions;

        private String row(String keyId, Kind kind, long windowSeconds) {
            return keyId + "/" + kind + "/" + (now[0] / 1_000_000_000L) / windowSeconds;
        }

        @Override
        public synchronized Reservation reserve(String keyId, Kind kind, long windowSeconds, long amount, long limit) {
            reservations++;
            long before = used.merge(row(keyId, kind, windowSeconds), amount, Long::sum) - amount;
            double toEnd = windowSeconds - (now[0] / 1e9) % windowSeconds;
            return new Reservation(Math.max(0, Math.min(amount, limit - before)), toEnd);
        }

        @Override
        public synchronized void add(String keyId, Kind kind, long windowSeconds, long amount) {
            additions++;
            used.merge(row(keyId, kind, windowSeconds), amount, Long::sum);
        }
    }

    private LeasedKeyLimits replica(long requestsPerMinute, long tokensPerDay) {
        var limits = new GatewayProperties.Limits(requestsPerMinute, Duration.ofMinutes(1), tokensPerDay,
                Duration.ofDays(1), Map.of());
        return new LeasedKeyLimits(store, limits, () -> now[0]);
    }

    @Test
    void twoReplicasTogetherAdmitExactlyTheRequestLimitWhenBothKeepServing() {
        LeasedKeyLimits a = replica(100, 0);
        LeasedKeyLimits b = replica(100, 0);
        int admitted = 0;
        for (int i = 0; i < 150; i++) {
            if ((i % 2 == 0 ? a : b).admit("team").allowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(100);
        KeyLimits.Admission refused = a.admit("team");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.reason()).startsWith("request rate");
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
    }

    @Test
    void aReplicaGoesToTheStoreOncePerChunkNotPerRequest() {
        LeasedKeyLimits a = replica(1000, 0); // chunk 50
        for (int i = 0; i < 100; i++) {
            assertThat(a.admit("team").allowed()).isTrue();
        }
        assertThat(store.reservations).isEqualTo(2);
    }

    @Test
    void aSmallLimitIsCountedExactlyAcrossReplicas() {
        LeasedKeyLimits a = replica(3, 0);
        LeasedKeyLimits b = replica(3, 0);
        assertThat(a.admit("tight").allowed()).isTrue();
        assertThat(b.admit("tight").allowed()).isTrue();
        assertThat(a.admit("tight").allowed()).isTrue();
        assertThat(b.admit("tight").allowed()).isFalse();
        assertThat(a.admit("tight").allowed()).isFalse();
    }

    @Test
    void aRefusalIsRememberedUntilTheWindowEndsAndTheNextWindowAdmitsAgain() {
        LeasedKeyLimits a = replica(2, 0);
        a.admit("k");
        a.admit("k");
        assertThat(a.admit("k").allowed()).isFalse();
        int before = store.reservations;
        assertThat(a.admit("k").allowed()).isFalse();
        assertThat(store.reservations).as("no round trip for a known refusal").isEqualTo(before);
        now[0] += Duration.ofSeconds(61).toNanos();
        assertThat(a.admit("k").allowed()).isTrue();
    }

    @Test
    void tokensSpentOnOneReplicaCountOnTheOtherAtItsNextReservation() {
        LeasedKeyLimits a = replica(0, 60); // token chunk 3
        LeasedKeyLimits b = replica(0, 60);
        int served = 0;
        for (int i = 0; i < 10; i++) {
            LeasedKeyLimits gateway = i % 2 == 0 ? a : b;
            KeyLimits.Admission admission = gateway.admit("budget");
            if (!admission.allowed()) {
                assertThat(admission.reason()).startsWith("token budget");
                break;
            }
            gateway.charge("budget", 25);
            served++;
        }
        assertThat(served).isEqualTo(3); // 0, 25, 50 used before each admission; 75 refuses
        assertThat(store.additions).as("overspend beyond the reserved tokens is recorded").isPositive();
    }

    @Test
    void aKeyWithoutLimitsNeverReachesTheStore() {
        LeasedKeyLimits a = replica(0, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(a.admit("free").allowed()).isTrue();
            a.charge("free", 100);
        }
        assertThat(store.reservations + store.additions).isZero();
    }
}
