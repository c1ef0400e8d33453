package io.aami.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency and outcome of every request, per endpoint: a whole-run histogram (microseconds, 3
 * significant digits, HdrHistogram) for the report, an interval recorder for the ramp's windows, and
 * answers counted by status ({@code io} for a request that got no answer: refused, reset, timed out).
 */
public final class Stats {
    /** What the simulator calls; the long poll is split because a held poll's latency is its wait. */
    public enum Endpoint {
        REGISTER("register"), HEARTBEAT("heartbeat"), POLICY_FETCH("policy 200"), POLICY_WAIT("policy 304 (held)"),
        CHECK_RESULTS("check-results"), HEALTH("health");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    /** One endpoint's figures over some time. */
    public record Figures(long count, double p50Ms, double p99Ms, double maxMs) {
    }

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Map<Endpoint, Histogram> total = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Recorder> window = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Map<String, LongAdder>> statuses = new EnumMap<>(Endpoint.class);
    /** What {@link #delta} has not handed on yet: a simulator child's answers on their way to the parent. */
    private final Map<Endpoint, Recorder> unsent = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Map<String, Long>> sentStatuses = new EnumMap<>(Endpoint.class);
    /** Answers other processes recorded ({@link #absorb}), not yet in a {@link #window}. */
    private final Map<Endpoint, Histogram> absorbedWindow = new EnumMap<>(Endpoint.class);

    public Stats() {
        for (Endpoint e : Endpoint.values()) {
            total.put(e, new org.HdrHistogram.ConcurrentHistogram(MAX_MICROS, 3));
            window.put(e, new Recorder(MAX_MICROS, 3));
            statuses.put(e, new ConcurrentHashMap<>());
            unsent.put(e, new Recorder(MAX_MICROS, 3));
            sentStatuses.put(e, new TreeMap<>());
            absorbedWindow.put(e, new Histogram(MAX_MICROS, 3));
        }
    }

    /** Records an answer ({@code status} > 0) or a request that got none ({@code status} 0). */
    public void record(Endpoint e, int status, long nanos) {
        long micros = Math.min(MAX_MICROS, Math.max(1, nanos / 1000));
        total.get(e).recordValue(micros);
        window.get(e).recordValue(micros);
        unsent.get(e).recordValue(micros);
        statuses.get(e).computeIfAbsent(status == 0 ? "io" : Integer.toString(status), k -> new LongAdder()).increment();
    }

    public Figures total(Endpoint e) {
        return figures(total.get(e));
    }

    /** The figures since the last call (the ramp's window), per endpoint, with what was absorbed meanwhile. */
    public Map<Endpoint, Figures> window() {
        Map<Endpoint, Figures> out = new EnumMap<>(Endpoint.class);
        window.forEach((e, r) -> {
            Histogram h = r.getIntervalHistogram();
            synchronized (absorbedWindow) {
                h.add(absorbedWindow.get(e));
                absorbedWindow.get(e).reset();
            }
            out.put(e, figures(h));
        });
        return out;
    }

    /**
     * What was recorded here since the last call, per endpoint: latencies (HdrHistogram, compressed,
     * base64) and answers by status. A simulator child hands it to its parent, which {@link #absorb}s it.
     */
    public synchronized Map<String, Delta> delta() {
        Map<String, Delta> out = new TreeMap<>();
        for (Endpoint e : Endpoint.values()) {
            Histogram h = unsent.get(e).getIntervalHistogram();
            Map<String, Long> now = statuses(e);
            Map<String, Long> sent = sentStatuses.get(e);
            Map<String, Long> counts = new TreeMap<>();
            now.forEach((k, v) -> {
                long d = v - sent.getOrDefault(k, 0L);
                if (d != 0) {
                    counts.put(k, d);
                }
            });
            sent.putAll(now);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(buf);
            out.put(e.name(), new Delta(java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)),
                    counts));
        }
        return out;
    }

    /** Adds another process's {@link #delta} to this run's totals and to the current window. */
    public void absorb(Map<String, Delta> deltas) throws java.util.zip.DataFormatException {
        for (Map.Entry<String, Delta> en : deltas.entrySet()) {
            Endpoint e = Endpoint.valueOf(en.getKey());
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(en.getValue().histogram())), MAX_MICROS);
            total.get(e).add(h);
            synchronized (absorbedWindow) {
                absorbedWindow.get(e).add(h);
            }
            en.getValue().statuses().forEach((k, v) -> statuses.get(e).computeIfAbsent(k, x -> new LongAdder()).add(v));
        }
    }

    /** One endpoint's share of a {@link #delta}. */
    public record Delta(@com.fasterxml.jackson.annotation.JsonProperty("histogram") String histogram,
                        @com.fasterxml.jackson.annotation.JsonProperty("statuses") Map<String, Long> statuses) {
    }

    /** Answers by status, sorted ({@code io}: no answer). */
    public Map<String, Long> statuses(Endpoint e) {
        Map<String, Long> out = new TreeMap<>();
        statuses.get(e).forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Answers that are neither 2xx nor the long poll's 304, across endpoints. */
    public long errors() {
        return statuses.values().stream().flatMap(m -> m.entrySet().stream())
                .filter(en -> !en.getKey().startsWith("2") && !en.getKey().equals("304"))
                .mapToLong(en -> en.getValue().sum()).sum();
    }

    /** 5xx answers across endpoints. */
    public long serverErrors() {
        return statuses.values().stream().flatMap(m -> m.entrySet().stream())
                .filter(en -> en.getKey().startsWith("5")).mapToLong(en -> en.getValue().sum()).sum();
    }

    private static Figures figures(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Figures(0, 0, 0, 0);
        }
        return new Figures(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }
}
