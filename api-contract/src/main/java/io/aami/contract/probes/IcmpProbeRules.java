package io.aami.contract.probes;

/**
 * The rules of an {@link IcmpProbeOptions} ({@link #check}), shared by the server's probe API and the agent (local API and
 * scheduled probes), so both refuse the same input with the same field path ({@code icmp.count}). The agent runs as
 * root: these bounds are what a probe definition or a local API caller can make it send, at most {@value #MAX_COUNT}
 * echoes, at least {@value #MIN_INTERVAL_MS} ms apart, over at most {@link ProbeLimits#MAX_TIMEOUT_MS} ms.
 */
public final class IcmpProbeRules {
    public static final int DEFAULT_COUNT = 1;
    public static final int MAX_COUNT = 100;
    public static final int DEFAULT_INTERVAL_MS = 1_000;
    /** The floor between two echoes of one probe: a probe is a measurement, never a flood (ping's own floor for users is 2 ms). */
    public static final int MIN_INTERVAL_MS = 10;
    public static final int MAX_INTERVAL_MS = 10_000;
    /** The problem of {@code icmp} options on a probe of another protocol. */
    public static final String ICMP_ONLY = "applies to ICMP probes only";

    /** The outcome of {@link #check}: the normalized options, or the refused option's {@code field} path and {@code problem}. */
    public record Result(IcmpProbeOptions options, String field, String problem) {
        public boolean valid() {
            return field == null;
        }

        static Result invalid(String field, String problem) {
            return new Result(null, field, problem);
        }
    }

    private IcmpProbeRules() {
    }

    /**
     * {@code options} with the defaults filled in (null options are the defaults), or the first refused option. The
     * last echo is sent {@code (count - 1) × interval_ms} after the first and waited for {@code timeoutMs}: together
     * at most {@link ProbeLimits#MAX_TIMEOUT_MS}.
     */
    public static Result check(IcmpProbeOptions options, int timeoutMs) {
        IcmpProbeOptions o = options == null ? IcmpProbeOptions.defaults() : options;
        if (o.unknownKeys() != null && !o.unknownKeys().isEmpty()) {
            return Result.invalid("icmp." + o.unknownKeys().keySet().iterator().next(), "unknown key; known: count, interval_ms");
        }
        int count = o.count() == null ? DEFAULT_COUNT : o.count();
        if (count < 1 || count > MAX_COUNT) {
            return Result.invalid("icmp.count", "must be 1.." + MAX_COUNT + ", got " + count);
        }
        int interval = o.intervalMs() == null ? DEFAULT_INTERVAL_MS : o.intervalMs();
        if (interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
            return Result.invalid("icmp.interval_ms", "must be " + MIN_INTERVAL_MS + ".." + MAX_INTERVAL_MS + ", got " + interval);
        }
        long span = (long) (count - 1) * interval + timeoutMs;
        if (span > ProbeLimits.MAX_TIMEOUT_MS) {
            return Result.invalid("icmp.interval_ms", "(count - 1) × interval_ms + timeout_ms must be at most "
                    + ProbeLimits.MAX_TIMEOUT_MS + " ms, got " + span);
        }
        return new Result(new IcmpProbeOptions(count, interval), null, null);
    }

    /**
     * {@link #check}, and for a scheduled probe (the server's API, the Terraform provider) the span within
     * {@code intervalSeconds} too, refused as {@code icmp.interval_ms}.
     */
    public static Result check(IcmpProbeOptions options, int timeoutMs, int intervalSeconds) {
        Result r = check(options, timeoutMs);
        if (r.valid() && spanMs(r.options(), timeoutMs) > intervalSeconds * 1000L) {
            return Result.invalid("icmp.interval_ms", "(count - 1) × interval_ms + timeout_ms must not exceed interval_seconds");
        }
        return r;
    }

    /**
     * Why the agent will not ping {@code target} (an address given or resolved), or null: a multicast address, the
     * limited broadcast {@code 255.255.255.255} or the unspecified address. The agent runs as root on every host: one
     * echo to these reaches many hosts, or none; it is no broadcast ping amplifier (a subnet's directed broadcast the
     * kernel refuses itself, the agent never setting SO_BROADCAST).
     */
    public static String targetProblem(java.net.InetAddress target) {
        byte[] b = target.getAddress();
        boolean limitedBroadcast = b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
        if (target.isMulticastAddress() || limitedBroadcast || target.isAnyLocalAddress()) {
            return "ICMP probes refuse multicast, broadcast and unspecified addresses, got " + target.getHostAddress();
        }
        return null;
    }

    /** How long a probe of these normalized options may run: the last echo's send time plus its timeout. */
    public static long spanMs(IcmpProbeOptions normalized, int timeoutMs) {
        return (long) (normalized.count() - 1) * normalized.intervalMs() + timeoutMs;
    }
}
