package io.aami.agent.probes.icmp;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One ICMP probe for {@link IcmpPinger#start}: {@code count} echo requests to {@code target}, {@code intervalMs} apart,
 * each waited for {@code timeoutMs}; {@code done} gets the outcome on the pinger's thread, once.
 *
 * @param source the local address to send from (its socket is bound to it), or null for the kernel's choice
 */
public record IcmpRequest(InetAddress target, InetAddress source, int count, int intervalMs, int timeoutMs,
                          Consumer<IcmpOutcome> done) {
    public IcmpRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(done, "done");
        if (count < 1 || intervalMs < 1 || timeoutMs < 1) {
            throw new IllegalArgumentException("count, interval and timeout must be positive");
        }
    }
}
