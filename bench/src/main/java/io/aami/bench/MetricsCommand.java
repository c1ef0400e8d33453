package io.aami.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics}: the config-server's {@code /metrics} over a seeded fleet ({@link MetricsSeed}).
 * Scrapes it directly (each scrape after {@code max_age}, some checks changed in between) for the
 * render time, the bytes and the correctness of what it holds, against the floor of a plain JDBC
 * {@code SELECT} of the same rows and a {@code /health} round trip; then lets a real Prometheus scrape it
 * for {@code scrape_duration_seconds} and the renders per scrape. Exit 0 when every scrape held every
 * series and every change, 1 when one did not, 3 when the run could not be made.
 */
final class MetricsCommand {
    static final int EXIT_WRONG = 1;
    static final int EXIT_FAILED = 3;
    static final double GOAL_RENDER_SECONDS = 0.3;

    /** What the run measured; {@code correct} false when a scrape lost a series or a change. */
    record Outcome(boolean correct, List<Double> renders, double floorSeconds, double healthSeconds, List<Double> prometheus,
                   double rendersPerScrape) {
        int exitCode() {
            return correct ? 0 : EXIT_WRONG;
        }
    }

    private final MetricsOptions o;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    MetricsCommand(MetricsOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = "monitoring-" + HexFormat.of().formatHex(secret);
        Map<String, String> settings = Map.of("AAMI_MONITORING_TOKEN", token, "AAMI_METRICS_PUBLIC", "false",
                "AAMI_METRICS_MAX_AGE", io.aami.common.config.Durations.format(o.maxAge()));
        long t0 = System.nanoTime();
        try (EmbeddedTarget server = EmbeddedTarget.start(false, Duration.ofSeconds(30), settings)) {
            out.printf(Locale.ROOT, "embedded server started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return run(server.base(), token, new MetricsSeed(server.database()));
        }
    }

    Outcome run(URI base, String token, MetricsSeed db) throws Exception {
        long t0 = System.nanoTime();
        db.seed(o.targets(), o.checksPerTarget());
        out.printf(Locale.ROOT, "metrics: %d check series (%d targets x %d checks, seeded through SQL in %.1f s), max_age %s, "
                + "load average %.2f%n", o.series(), o.targets(), o.checksPerTarget(), (System.nanoTime() - t0) / 1e9,
                io.aami.common.config.Durations.format(o.maxAge()), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<Double> floor = new ArrayList<>();
        boolean correct = true;
        for (int i = 0; i < o.scrapes(); i++) {
            long s = System.nanoTime();
            long rows = db.selectAll();
            floor.add((System.nanoTime() - s) / 1e9);
            correct &= rows == o.series();
        }
        List<Double> health = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            health.add(MetricsScrape.health(http, base));
        }
        Direct direct = scrapeDirectly(base, token, db);
        correct &= direct.correct;
        List<Double> prometheus = List.of();
        double perScrape = Double.NaN;
        if (o.prometheus() != null) {
            double[] peer = new double[1];
            long p0 = System.nanoTime();
            prometheus = prometheus(base, token, db, peer);
            out.printf(Locale.ROOT, "prometheus started and scraped in %.1f s%n", (System.nanoTime() - p0) / 1e9);
            perScrape = peer[0];
        }
        Outcome r = new Outcome(correct, direct.renders, median(floor), median(health), prometheus, perScrape);
        report(r, direct);
        return r;
    }

    /** What the direct scrapes saw. */
    private record Direct(boolean correct, List<Double> renders, List<Double> walls, long textBytes, long wireBytes) {
    }

    private Direct scrapeDirectly(URI base, String token, MetricsSeed db) throws Exception {
        List<Double> renders = new ArrayList<>();
        List<Double> walls = new ArrayList<>();
        boolean correct = true;
        double lastAt = -1;
        long text = 0;
        long wire = 0;
        List<MetricsSeed.Change> changes = List.of();
        for (int i = 0; i < o.scrapes(); i++) {
            MetricsScrape s = MetricsScrape.take(http, base, token);
            walls.add(s.seconds());
            text = s.textBytes();
            wire = s.wireBytes();
            if (s.renderAt() != lastAt) {
                renders.add(s.renderSeconds());
                lastAt = s.renderAt();
            }
            long missing = changes.stream().filter(c -> !s.lines().contains(c.statusLine())).count();
            if (s.staleSeries() != o.series() || s.statusSeries() != o.series() || missing > 0) {
                out.printf("scrape %d: %d aami_check_stale and %d aami_check_status series (want %d), %d of %d changes missing%n",
                        i + 1, s.staleSeries(), s.statusSeries(), o.series(), missing, changes.size());
                correct = false;
            }
            if (i + 1 < o.scrapes()) {
                changes = db.change(o.changesPerScrape(), o.series());
                Thread.sleep(o.maxAge().toMillis() + 100);
            }
        }
        return new Direct(correct, renders, walls, text, wire);
    }

    /** Prometheus's scrape durations; {@code perScrape[0]} the renders per scrape between its first and last scrape. */
    private List<Double> prometheus(URI base, String token, MetricsSeed db, double[] perScrape) throws Exception {
        try (PrometheusPeer p = PrometheusPeer.start(o.prometheus(), base, token, o.prometheusInterval())) {
            Duration wait = o.prometheusInterval().multipliedBy(o.prometheusScrapes() + 2).plusSeconds(10);
            List<Double> first = p.awaitScrapes(1, wait);
            long scansAtFirst = db.groupScans();
            List<Double> all = p.awaitScrapes(o.prometheusScrapes(), wait);
            long scans = db.groupScans() - scansAtFirst;
            if (first.isEmpty() || all.size() < o.prometheusScrapes()) {
                throw new IOException("prometheus stored " + all.size() + " scrapes of " + o.prometheusScrapes() + ": " + p.log());
            }
            List<Double> counter = p.values("aami_fleet_renders_total{job=\"aami\"}[1h]");
            int intervals = all.size() - 1;
            if (intervals == 0) {
                perScrape[0] = Double.NaN;
            } else if (counter.size() >= 2) {
                perScrape[0] = (counter.get(counter.size() - 1) - counter.get(0)) / (counter.size() - 1);
            } else {
                perScrape[0] = scans / 2.0 / intervals;
                out.println("(no aami_fleet_renders_total: renders counted as scans of groups / 2)");
            }
            return all;
        }
    }

    private void report(Outcome r, Direct d) {
        double render = median(r.renders());
        out.printf(Locale.ROOT, "render (server, aami_fleet_render_seconds): p50 %.3f s, max %.3f s over %d renders%n", render,
                max(r.renders()), r.renders().size());
        out.printf(Locale.ROOT, "scrape (client wall, gzip accepted): p50 %.3f s, max %.3f s; %.1f MB text, %.1f MB on the wire%n",
                median(d.walls()), max(d.walls()), d.textBytes() / 1e6, d.wireBytes() / 1e6);
        out.printf(Locale.ROOT, "peer: plain SELECT of the same %d rows via JDBC p50 %.3f s; /health round trip p50 %.2f ms%n",
                o.series(), r.floorSeconds(), r.healthSeconds() * 1000);
        out.printf(Locale.ROOT, "ratio render : SELECT %.2f; render : /health %.0f%n", render / r.floorSeconds(),
                render / r.healthSeconds());
        if (!r.prometheus().isEmpty()) {
            out.printf(Locale.ROOT, "prometheus: scrape_duration_seconds p50 %.3f s, max %.3f s over %d scrapes every %ss; "
                    + "renders per scrape %s%n", median(r.prometheus()), max(r.prometheus()), r.prometheus().size(),
                    o.prometheusInterval().toSeconds(), Double.isNaN(r.rendersPerScrape()) ? "n/a (one scrape)"
                            : String.format(Locale.ROOT, "%.2f", r.rendersPerScrape()));
        }
        boolean met = render <= GOAL_RENDER_SECONDS && !(r.rendersPerScrape() > 1.0);
        out.printf("goal (render <= %.1f s, <= 1 render per scrape): %s%n", GOAL_RENDER_SECONDS, met ? "met" : "NOT met");
        out.println("correctness (every series and every change in each scrape): " + (r.correct() ? "OK" : "FAILED"));
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code metrics} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return MetricsOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            MetricsOptions o = MetricsOptions.parse(args);
            if (o.prometheus() != null && !onPath(o.prometheus())) {
                err.println("aami-bench: prometheus binary '" + o.prometheus() + "' not found (install the Debian package "
                        + "prometheus, or --no-prometheus)");
                return EXIT_FAILED;
            }
            try {
                return new MetricsCommand(o, out).run().exitCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (IOException | SQLException | RuntimeException e) {
                err.println("aami-bench: the run failed: " + e.getMessage());
                return EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench: the run failed: " + e);
                return EXIT_FAILED;
            }
        }
    }

    static boolean onPath(String binary) {
        if (binary.contains("/")) {
            return Files.isExecutable(Path.of(binary));
        }
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
    }
}
