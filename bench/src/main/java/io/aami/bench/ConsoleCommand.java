package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code console}: the operator console's pages over a large fleet ({@link ConsoleSeed}) on an in-process server
 * ({@link EmbeddedTarget}) whose database connections count their statements ({@link CountingDriver}). Per page: the
 * server time (request to last byte on loopback, p50 and p99 over {@code --requests} after {@code --warmup}) against a
 * peer measured in the same run (a plain JDBC {@code SELECT} of the same rows), and the statements one request runs at
 * two fleet sizes: a page whose count grows with the fleet runs a query per row. Exit 0 when every page answered 200
 * with its statements the same at both sizes and the summary matched the seeded fleet, 1 when not, 3 when the run could
 * not be made. A missed speed goal is printed, never failed.
 */
final class ConsoleCommand {
    static final int EXIT_WRONG = 1;
    static final int EXIT_FAILED = 3;
    static final double GOAL_MS = 150;
    /** Statements per request are the least over this many requests: a session's once-a-minute touch is no row. */
    private static final int COUNT_REQUESTS = 5;

    /** One page's figures. */
    record PageFigures(String page, double p50Ms, double p99Ms, double peerP50Ms, long smallStatements, long largeStatements) {
        boolean perRow() {
            return largeStatements > smallStatements;
        }
    }

    private final ConsoleOptions o;
    private final PrintStream out;
    private final ObjectMapper mapper = new ObjectMapper();

    ConsoleCommand(ConsoleOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    int run() throws Exception {
        CountingDriver counter = CountingDriver.register();
        long t0 = System.nanoTime();
        try (EmbeddedTarget server = EmbeddedTarget.start(false, Duration.ofSeconds(30), Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h",
                "AAMI_CONSOLE_SUMMARY_MAX_AGE", o.summaryMaxAgeSeconds() + "s"),
                null, CountingDriver::url)) {
            out.printf(Locale.ROOT, "embedded server started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            ConsolePages pages = new ConsolePages(server.base());
            pages.login(server.adminToken());
            ConsoleSeed seed = new ConsoleSeed(server.database());
            seed.prepare(o.checksPerTarget());
            seed.growTo(o.smallTargets());
            Map<String, Long> small = new LinkedHashMap<>();
            for (String page : o.pages()) {
                small.put(page, statements(pages, counter, page));
            }
            long s0 = System.nanoTime();
            seed.growTo(o.targets());
            out.printf(Locale.ROOT, "console: %d targets x %d checks (%d latest check results, %d probe results), seeded in %.1f s; "
                    + "statements also counted at %d targets; load average %.2f%n", o.targets(), o.checksPerTarget(),
                    (long) o.targets() * o.checksPerTarget(), o.targets(), (System.nanoTime() - s0) / 1e9, o.smallTargets(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (o.summaryMaxAgeSeconds() > 0) {
                Thread.sleep((o.summaryMaxAgeSeconds() + 1) * 1000L); // the small fleet's summary is no longer reused
            }
            boolean correct = summaryMatches(pages);
            List<PageFigures> figures = new ArrayList<>();
            try (Connection peer = seed.connect()) {
                for (String page : o.pages()) {
                    figures.add(measure(pages, counter, peer, page, small.get(page)));
                }
            }
            return report(figures, correct);
        } finally {
            counter.deregister();
        }
    }

    private PageFigures measure(ConsolePages pages, CountingDriver counter, Connection peer, String page, long smallStatements)
            throws IOException, InterruptedException, SQLException {
        for (int i = 0; i < o.warmup(); i++) {
            ok(page, pages.get(page));
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < o.requests(); i++) {
            ms.add(ok(page, pages.get(page)).nanos() / 1e6);
        }
        long large = statements(pages, counter, page);
        boolean list = page.startsWith("/ui/targets");
        List<Double> peerMs = new ArrayList<>();
        for (int i = 0; i < o.warmup() + o.requests(); i++) {
            long t = System.nanoTime();
            if (list) {
                ConsoleSeed.listRows(peer);
            } else {
                ConsoleSeed.countSummaryRows(peer);
            }
            if (i >= o.warmup()) {
                peerMs.add((System.nanoTime() - t) / 1e6);
            }
        }
        return new PageFigures(page, percentile(ms, 0.5), percentile(ms, 0.99), percentile(peerMs, 0.5), smallStatements, large);
    }

    /** The statements one request of {@code page} runs: the least over a few (see {@link #COUNT_REQUESTS}). */
    private static long statements(ConsolePages pages, CountingDriver counter, String page) throws IOException, InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < COUNT_REQUESTS; i++) {
            long before = counter.statements();
            ok(page, pages.get(page));
            least = Math.min(least, counter.statements() - before);
        }
        return least;
    }

    private static ConsolePages.Answer ok(String page, ConsolePages.Answer a) throws IOException {
        if (a.status() != 200) {
            throw new IOException(page + " answered " + a.status() + ": " + a.body().substring(0, Math.min(200, a.body().length())));
        }
        return a;
    }

    /** The summary counts what was seeded: every target (2 % offline) and every check's latest result. */
    private boolean summaryMatches(ConsolePages pages) throws IOException, InterruptedException {
        JsonNode s = mapper.readTree(ok("/api/v1/fleet/summary", pages.get("/api/v1/fleet/summary")).body());
        long targets = s.get("targets").get("online").asLong() + s.get("targets").get("offline").asLong();
        long checks = 0;
        for (JsonNode n : s.get("checks")) {
            checks += n.asLong();
        }
        boolean ok = targets == o.targets() && s.get("targets").get("offline").asLong() == o.targets() / 50
                && checks == (long) o.targets() * o.checksPerTarget() && s.get("policy").get("refused").asLong() == o.targets() / 200;
        if (!ok) {
            out.println("summary does not match the seeded fleet: " + s);
        }
        return ok;
    }

    private int report(List<PageFigures> figures, boolean correct) {
        out.printf("%-40s %8s %8s %12s %7s %7s %11s%n", "page", "p50 ms", "p99 ms", "peer p50 ms", "ratio", "goal",
                "statements");
        boolean met = true;
        boolean perRow = false;
        for (PageFigures f : figures) {
            boolean pageMet = f.p50Ms() <= GOAL_MS;
            met &= pageMet;
            perRow |= f.perRow();
            out.printf(Locale.ROOT, "%-40s %8.1f %8.1f %12.2f %7.1f %7s %5d -> %d%s%n", f.page(), f.p50Ms(), f.p99Ms(), f.peerP50Ms(),
                    f.p50Ms() / f.peerP50Ms(), pageMet ? "met" : "NOT met", f.smallStatements(), f.largeStatements(),
                    f.perRow() ? " GROWS" : "");
        }
        out.printf(Locale.ROOT, "server time: request to last byte on loopback with a viewer's session cookie, over %d requests "
                + "after %d warm-up; statements: per request at %d -> %d targets%n", o.requests(), o.warmup(), o.smallTargets(), o.targets());
        out.println("peer: the same run's plain JDBC SELECT of the same rows: for /ui and the summary one count(*) pass over targets, "
                + "check_latest and probe_latest; for a /ui/targets page its first 50 targets by hostname");
        out.printf(Locale.ROOT, "goal (every page p50 <= %.0f ms): %s%n", GOAL_MS, met ? "met" : "NOT met");
        out.println("no query per row (statements per request the same at both sizes): " + (perRow ? "FAILED" : "OK"));
        out.println("correctness (summary matches the seeded fleet): " + (correct ? "OK" : "FAILED"));
        return correct && !perRow ? 0 : EXIT_WRONG;
    }

    static double percentile(List<Double> xs, double q) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
    }

    /** {@code console} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return ConsoleOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            ConsoleOptions o = ConsoleOptions.parse(args);
            try {
                return new ConsoleCommand(o, out).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench: the run failed: " + e);
                return EXIT_FAILED;
            }
        }
    }
}
