package io.aami.server.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Token buckets per key (a source address, an agent id): {@code burst} requests at once, refilled at
 * {@code perSecond}. Per replica, in memory: a limit against floods, not an exact quota. The map is
 * bounded; when it fills, idle buckets are dropped (a dropped bucket simply starts full again).
 */
public final class RateLimiter {
    private final double perSecond;
    private final int burst;
    private final Clock clock;
    private final int maxKeys;
    private final IntSupplier shares;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, int burst, Clock clock, int maxKeys) {
        this(perSecond, burst, clock, maxKeys, () -> 1);
    }

    /**
     * A limit shared by {@code shares.getAsInt()} replicas (read at each request): each allows that share of the
     * rate and of the burst (at least one request), so a key that spreads its requests over every replica gets
     * no more than the limit in all.
     */
    public RateLimiter(double perSecond, int burst, Clock clock, int maxKeys, IntSupplier shares) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.shares = shares;
    }

    private int shares() {
        return Math.max(1, shares.getAsInt());
    }

    private double rate() {
        return perSecond / shares();
    }

    private double burst() {
        return Math.max(1.0, Math.floor((double) burst / shares()));
    }

    /** Takes one token for {@code key}: empty when allowed, else how long until a token is available. */
    public Optional<Duration> acquire(String key) {
        long now = clock.millis();
        if (buckets.size() >= maxKeys) {
            buckets.values().removeIf(b -> b.full(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst(), now)).take(now);
    }

    /** Like {@link #acquire} but takes nothing: empty when {@code key} has a token left, else how long until it has. */
    public Optional<Duration> waitFor(String key) {
        Bucket b = buckets.get(key);
        return b == null ? Optional.empty() : b.peek(clock.millis());
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized Optional<Duration> take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) / rate() * 1000)));
        }

        synchronized Optional<Duration> peek(long now) {
            refill(now);
            return tokens >= 1 ? Optional.empty() : Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) / rate() * 1000)));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst();
        }

        private void refill(long now) {
            tokens = Math.min(burst(), tokens + (now - updated) / 1000.0 * rate());
            updated = now;
        }
    }
}
