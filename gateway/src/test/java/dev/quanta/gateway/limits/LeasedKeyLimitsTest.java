package dev.quanta.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gateway.config.GatewayProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
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

    /** Reservations ahead, held until the test runs them: the store's round trip, as long as the test likes. */
    private final Queue<Runnable> pendingRefills = new ArrayDeque<>();

    private LeasedKeyLimits replica(long requestsPerMinute, long tokensPerDay) {
        return replica(requestsPerMinute, tokensPerDay, Runnable::run);
    }

    private LeasedKeyLimits replica(long requestsPerMinute, long tokensPerDay, Executor refills) {
        var limits = new GatewayProperties.Limits(requestsPerMinute, Duration.ofMinutes(1), tokensPerDay,
                Duration.ofDays(1), Map.of());
        return new LeasedKeyLimits(store, limits, () -> now[0], refills);
    }

    private void runPendingRefills() {
        for (Runnable r; (r = pendingRefills.poll()) != null; ) {
            r.run();
        }
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
        LeasedKeyLimits a = replica(100_000, 0); // chunk 50
        for (int i = 0; i < 1000; i++) {
            assertThat(a.admit("team").allowed()).isTrue();
        }
        // the first in line, then one ahead each time half a chunk is left: after requests 25, 75, ..., 975
        assertThat(store.reservations).isEqualTo(1 + 20);
    }

    @Test
    void requestsAreAdmittedWhileTheNextChunkIsOnItsWayAndOnlyOneReservationIsAhead() {
        LeasedKeyLimits a = replica(100_000, 0, pendingRefills::add); // chunk 50
        for (int i = 0; i < 49; i++) {
            assertThat(a.admit("team").allowed()).isTrue();
        }
        assertThat(store.reservations).as("only the first request reserved in line").isEqualTo(1);
        assertThat(pendingRefills).as("one reservation ahead, asked for at half a chunk left").hasSize(1);
        runPendingRefills();
        assertThat(store.reservations).isEqualTo(2);
        for (int i = 0; i < 51; i++) { // 1 left + 50 reserved ahead: none waits for the store
            assertThat(a.admit("team").allowed()).isTrue();
        }
        assertThat(store.reservations).isEqualTo(2);
        assertThat(pendingRefills).hasSize(1);
    }

    @Test
    void whenTheReservationAheadIsLateTheRequestReservesInLineAndTheLateGrantIsStillUsable() {
        LeasedKeyLimits a = replica(100, 0, pendingRefills::add); // chunk 5
        for (int i = 0; i < 5; i++) {
            assertThat(a.admit("team").allowed()).isTrue();
        }
        assertThat(a.admit("team").allowed()).as("reserved in line: the one ahead has not come back").isTrue();
        assertThat(store.reservations).isEqualTo(2);
        runPendingRefills(); // the late one: 5 more of this window
        int admitted = 0;
        for (int before = store.reservations; a.admit("team").allowed() && store.reservations == before; ) {
            admitted++;
        }
        assertThat(admitted).as("4 left in line's chunk + the late 5, before the next reservation").isEqualTo(9);
    }

    @Test
    void aGrantReservedAheadInAWindowTheLeaseHasLeftIsDropped() {
        LeasedKeyLimits a = replica(100, 0, pendingRefills::add); // chunk 5
        for (int i = 0; i < 3; i++) {
            a.admit("team");
        }
        assertThat(pendingRefills).hasSize(1);
        Runnable late = pendingRefills.poll();
        now[0] += Duration.ofSeconds(61).toNanos();
        assertThat(a.admit("team").allowed()).isTrue(); // the new window, reserved in line
        late.run(); // the store counts it in the new window too: it is this window's, usable
        int admitted = 1;
        while (a.admit("team").allowed() && admitted < 100) {
            admitted++;
            runPendingRefills();
        }
        assertThat(admitted).as("every request of the new window's limit, none more").isEqualTo(100);
    }

    @Test
    void twoReplicasReservingAheadStillAdmitExactlyTheLimitTogether() {
        LeasedKeyLimits a = replica(1000, 0, pendingRefills::add); // chunk 50
        LeasedKeyLimits b = replica(1000, 0, pendingRefills::add);
        int admitted = 0;
        for (int i = 0; i < 3000; i++) {
            if ((i % 3 == 0 ? a : b).admit("team").allowed()) {
                admitted++;
            }
            if (i % 7 == 0) {
                runPendingRefills(); // the round trips come back at their own pace
            }
        }
        assertThat(admitted).isEqualTo(1000);
    }

    @Test
    void aSmallLimitIsNotReservedAhead() {
        LeasedKeyLimits a = replica(20, 0, pendingRefills::add); // chunk 1
        for (int i = 0; i < 5; i++) {
            a.admit("tight");
        }
        assertThat(pendingRefills).isEmpty();
        assertThat(store.reservations).isEqualTo(5);
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
