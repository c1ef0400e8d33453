package io.aami.agent.probes.icmp;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pinger in a child JVM, so a test can run it where the test JVM cannot be: in another network namespace, or without
 * CAP_NET_RAW. Arguments: targets. Prints {@code kinds <v4> <v6>}, then per target
 * {@code <target> <reason> <sent> <received> <loss>}; exits 0 unless something threw.
 */
public final class IcmpChild {
    private IcmpChild() {
    }

    public static void main(String[] args) throws Exception {
        try (IcmpPinger pinger = IcmpPinger.open(IcmpPinger.Mode.AUTO)) {
            System.out.println("kinds " + pinger.kind(false) + " " + pinger.kind(true));
            for (String t : args) {
                CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
                pinger.start(new IcmpRequest(InetAddress.getByName(t), null, 3, 10, 1_000, f::complete));
                IcmpOutcome o = f.get(10, TimeUnit.SECONDS);
                System.out.println(t + " " + o.reason().wire() + " " + o.sent() + " " + o.received() + " " + o.lossPercent());
            }
        }
        System.out.flush();
    }
}
