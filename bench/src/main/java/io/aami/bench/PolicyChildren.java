package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code policy --processes N}: each round's agents spread over N {@link PolicyChild} JVMs (a {@link ChildGroup}:
 * child i connecting from 127.0.0.(2+i)), each given an even share of the identities. One process may hold only
 * so many descriptors (this machine's hard limit is 20,000, and one JVM held both ends of every connection), so
 * 50,000 agents need several. The outcomes are the union of the children's.
 */
final class PolicyChildren implements Pollers, AutoCloseable {
    /**
     * A child's heap: an idle long poll costs the client about 10 KiB (its connection, the request and the buffers
     * Jetty keeps), so 12,500 polls fit in a few hundred MiB; the rest is room for the bundles of the change.
     */
    static final String CHILD_HEAP = "-Xmx1g";
    private static final String MAIN = "io.aami.bench.PolicyChild";
    /** Per child call: the fetches of 12,500 agents take minutes here; a child fails a stalled phase itself (--timeout). */
    private static final long CALL_SECONDS = 3600;

    private final ChildGroup children;
    private final ObjectMapper json = new ObjectMapper();

    private PolicyChildren(ChildGroup children) {
        this.children = children;
    }

    /** Starts {@code processes} children polling {@code bases} (their logs in a temporary directory, printed). */
    static PolicyChildren start(int processes, List<URI> bases, Duration pollWait, java.io.PrintStream out)
            throws IOException, InterruptedException {
        Path logs = Files.createTempDirectory("aami-bench-simulators");
        out.printf("%d simulator processes (from 127.0.0.2 to 127.0.0.%d), their logs in %s%n", processes, processes + 1, logs);
        ObjectMapper json = new ObjectMapper();
        List<String> targets = bases.stream().map(URI::toString).toList();
        return new PolicyChildren(ChildGroup.start(processes, logs, (i, bind, log) -> SimChildLink.start("policy simulator " + i,
                MAIN, json.writeValueAsString(new PolicyChild.Wire(targets, bind, pollWait.toMillis())), List.of(CHILD_HEAP), log)));
    }

    @Override
    public void fetchAndPark(List<Prefill.Identity> agents, Duration timeout) throws Exception {
        List<String> args = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < children.size(); i++) {
            int share = children.share(agents.size(), i);
            args.add(write(new PolicyChild.Start(agents.subList(from, from + share), timeout.toMillis())));
            from += share;
        }
        children.all(i -> children.get(i).call("start", args.get(i), CALL_SECONDS));
    }

    @Override
    public PolledAgents.Outcome await(UUID check, Duration timeout) throws Exception {
        String arg = write(new PolicyChild.Finish(check, timeout.toMillis()));
        PolledAgents.Outcome all = new PolledAgents.Outcome(List.of(), List.of());
        for (String s : children.all(i -> children.get(i).call("finish", arg, CALL_SECONDS))) {
            all = all.plus(json.readValue(s, PolledAgents.Outcome.class));
        }
        return all;
    }

    List<Long> pids() {
        return children.pids();
    }

    /** Resident memory of the children together (bytes), as /proc shows it. */
    long rssBytes() {
        return children.rssBytes();
    }

    @Override
    public void close() {
        children.close();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
