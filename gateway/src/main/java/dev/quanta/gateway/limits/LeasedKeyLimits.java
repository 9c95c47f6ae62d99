package dev.quanta.gateway.limits;

import dev.quanta.gateway.config.GatewayProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key limits from local leases: each replica reserves a chunk of a key's requests (and tokens) of the
 * current window from the shared {@link UsageStore} and admits from it without a round trip until it is
 * spent; only then, or when the window ends, does it reserve again. A reservation is granted only the part
 * still under the limit, so all replicas together never admit more than the limit; the price is that a
 * replica's unspent chunk is not available to the others, so a key may be refused up to
 * (replicas - 1) x chunk early. Chunks are a twentieth of the limit (capped), so a small limit is counted
 * exactly (chunk 1: one round trip per request).
 *
 * <p>Tokens are known only after a request: each is paid from the replica's reserved tokens, and what exceeds
 * them is added to the shared counter at once (one round trip, only when the reservation is spent), so the
 * other replicas see it on their next reservation. A refusal is remembered until the window ends (the
 * counter only grows within a window).
 *
 * <p>Requests are reserved ahead: once a request lease with a chunk of 2 or more is down to half a chunk, the
 * next chunk is reserved on {@code refills} (another thread) while requests go on being admitted from what is
 * left, so no request waits for the store's round trip (before, every chunk's last request held the lease's
 * lock through it, and every concurrent request of the key queued behind: a stall in the gateway's tail
 * latency). A replica then holds up to one and a half chunks, which is what another replica may be refused
 * early at the most. Chunks of 1 (small limits) are still reserved one request at a time, so they stay counted
 * exactly. Tokens are not reserved ahead: a request's tokens are unknown until it ends and may exceed a chunk,
 * so tokens reserved ahead would mostly sit unused on one replica while the others are refused.
 */
public final class LeasedKeyLimits implements KeyLimits {

    private static final Logger log = LoggerFactory.getLogger(LeasedKeyLimits.class);

    static final long MAX_REQUEST_CHUNK = 50;
    static final long MAX_TOKEN_CHUNK = 10_000;

    private final UsageStore store;
    private final GatewayProperties.Limits limits;
    private final LongSupplier nanoTime;
    private final Executor refills;
    private final Map<String, Lease> requestLeases = new ConcurrentHashMap<>();
    private final Map<String, Lease> tokenLeases = new ConcurrentHashMap<>();

    /**
     * @param refills runs the reservations made ahead (see the class comment); {@code Runnable::run} makes them
     *                synchronous (tests)
     */
    public LeasedKeyLimits(UsageStore store, GatewayProperties.Limits limits, LongSupplier nanoTime, Executor refills) {
        this.store = store;
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.refills = refills;
    }

    /** A twentieth of the limit, at least 1, at most {@code cap}. */
    static long chunk(long limit, long cap) {
        return Math.max(1, Math.min(limit / 20, cap));
    }

    @Override
    public Admission admit(String keyId) {
        long maxRequests = limits.requestsFor(keyId);
        if (maxRequests > 0) {
            Lease lease = requestLeases.computeIfAbsent(keyId, k -> new Lease(k, UsageStore.Kind.REQUESTS, maxRequests,
                    limits.requestWindow().toSeconds(), chunk(maxRequests, MAX_REQUEST_CHUNK)));
            long retry = lease.take(1);
            lease.refillIfLow();
            if (retry > 0) {
                return new Admission(false, "request rate: more than " + maxRequests + " requests per "
                        + lease.windowSeconds + " s", retry);
            }
        }
        long maxTokens = limits.tokensFor(keyId);
        if (maxTokens > 0) {
            long retry = tokenLease(keyId, maxTokens).take(0);
            if (retry > 0) {
                return new Admission(false, "token budget: the " + maxTokens + " tokens per "
                        + limits.tokenWindow().toSeconds() + " s are used", retry);
            }
        }
        return Admission.OK;
    }

    @Override
    public void charge(String keyId, long tokens) {
        long maxTokens = limits.tokensFor(keyId);
        if (tokens <= 0 || maxTokens <= 0) {
            return;
        }
        Lease lease = tokenLease(keyId, maxTokens);
        if (lease.spend(tokens)) {
            lease.flush();
        }
    }

    private Lease tokenLease(String keyId, long maxTokens) {
        return tokenLeases.computeIfAbsent(keyId, k -> new Lease(k, UsageStore.Kind.TOKENS, maxTokens,
                limits.tokenWindow().toSeconds(), chunk(maxTokens, MAX_TOKEN_CHUNK)));
    }

    /** One key's reserved share of one kind in the current window. */
    private final class Lease {
        final String keyId;
        final UsageStore.Kind kind;
        final long limit;
        final long windowSeconds;
        final long chunk;
        private long remaining;
        private long validUntil; // nanoTime when the window of `remaining` ends
        private boolean fresh = true;
        private boolean exhausted;
        private long unrecorded; // spent beyond the reservation, not yet added to the store
        private boolean refilling; // a reservation ahead is on its way
        private boolean drained; // a reservation ahead was granted nothing: none until the next window

        Lease(String keyId, UsageStore.Kind kind, long limit, long windowSeconds, long chunk) {
            this.keyId = keyId;
            this.kind = kind;
            this.limit = limit;
            this.windowSeconds = windowSeconds;
            this.chunk = chunk;
        }

        /**
         * Takes {@code units} (0: only checks something is left) from the reservation, reserving another
         * chunk when it is spent.
         *
         * @return 0 when admitted, else seconds until the window ends (Retry-After)
         */
        synchronized long take(long units) {
            long now = nanoTime.getAsLong();
            if (fresh || now - validUntil >= 0) {
                remaining = 0;
                exhausted = false;
                drained = false;
                fresh = false;
            }
            if (!exhausted && remaining < Math.max(1, units)) {
                UsageStore.Reservation r = store.reserve(keyId, kind, windowSeconds, chunk, limit);
                validUntil = now + (long) (r.secondsToWindowEnd() * 1e9);
                remaining += r.granted();
                exhausted = r.granted() == 0;
            }
            if (exhausted || remaining < Math.max(1, units)) {
                return Math.max(1, (long) Math.ceil((validUntil - now) / 1e9));
            }
            remaining -= units;
            return 0;
        }

        /**
         * Reserves the next chunk on {@code refills} when this lease is down to half a chunk and nothing stops it
         * (a chunk of 1, a reservation ahead already on its way or refused in this window, the window used up).
         * Called outside the lease's lock, after each take of a request lease.
         */
        void refillIfLow() {
            synchronized (this) {
                if (chunk < 2 || fresh || refilling || drained || exhausted || remaining > chunk / 2) {
                    return;
                }
                refilling = true;
            }
            try {
                refills.execute(this::refill);
            } catch (RuntimeException e) { // a refused task: the next take reserves in line, as without it
                synchronized (this) {
                    refilling = false;
                }
            }
        }

        private void refill() {
            long asked = nanoTime.getAsLong();
            UsageStore.Reservation r;
            try {
                r = store.reserve(keyId, kind, windowSeconds, chunk, limit);
            } catch (RuntimeException e) {
                log.warn("could not reserve ahead for key {} ({}): {}", keyId, kind.column(), e.getMessage());
                synchronized (this) {
                    refilling = false; // the next take reserves in line and fails closed if the store is still away
                }
                return;
            }
            long until = asked + (long) (r.secondsToWindowEnd() * 1e9);
            synchronized (this) {
                refilling = false;
                // the grant belongs to the window the store counted it in, told apart by its end (ends are a
                // window apart, round trips far shorter than a second)
                if (until - validUntil > 1_000_000_000L) { // a later window than this lease's, which has ended
                    remaining = 0;
                    exhausted = false;
                    validUntil = until;
                } else if (validUntil - until > 1_000_000_000L) {
                    return; // an earlier window, which this lease has left: those units were never usable here
                }
                remaining += r.granted();
                drained = r.granted() == 0;
            }
        }

        /** Pays {@code amount} from the reservation; true when some of it must be added to the store. */
        synchronized boolean spend(long amount) {
            long paid = Math.min(amount, Math.max(0, remaining));
            remaining -= paid;
            unrecorded += amount - paid;
            return unrecorded > 0;
        }

        void flush() {
            long amount;
            synchronized (this) {
                amount = unrecorded;
                unrecorded = 0;
            }
            if (amount <= 0) {
                return;
            }
            try {
                store.add(keyId, kind, windowSeconds, amount);
            } catch (RuntimeException e) {
                synchronized (this) {
                    unrecorded += amount; // retried with the next charge
                }
                log.warn("could not record {} {} of key {} (retried with its next charge): {}", amount, kind.column(),
                        keyId, e.getMessage());
            }
        }
    }
}
