package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.json.WireJson;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code footprint}: a real agent (the shipped launcher and jar, as a child process) enrolled over mutual
 * TLS against an embedded server, running a policy of {@code --checks} shell checks (30–60 s intervals)
 * and {@code --probes} TCP probes (10 s, to loopback listeners of this run), next to node_exporter; both
 * scraped every 15 s as Prometheus would. After the warm-up, both are measured over the same window
 * ({@link ProcessStats}; the agent's CPU includes its reaped check scripts). The measured life is the agent's second,
 * as every later life of an installed agent: the first ({@code --first-life}) enrolls, runs its policy and is stopped
 * as systemd stops it. The launcher's class archive is made as {@code --archive} says: by {@code aami-agent --train}
 * before the first life, as the packages make it at install (the default); by the first life at its stop, as an agent
 * whose training failed records it; or not at all. Exit 0 when every check and
 * probe reported to the server (the figure is of an agent doing its work), 1 when not or the agent died,
 * 3 when the run could not be made.
 */
final class FootprintCommand {
    static final int EXIT_INCORRECT = 1;
    static final int EXIT_FAILED = 3;
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);
    private static final Duration RESULTS_WAIT = Duration.ofSeconds(60);
    private static final int PROBE_INTERVAL_SECONDS = 10;
    /** The unit's TimeoutStopSec: the first stop writes the class archive, seconds on a loaded machine. */
    private static final int FIRST_STOP_PATIENCE_SECONDS = 30;

    /** The run's outcome: the figures, and how many checks and probes reported to the server. */
    record Outcome(FootprintReport.Figures agent, FootprintReport.Figures peer, int checksReported, int probesReported,
                   boolean agentAlive, int checks, int probes) {
        boolean correct() {
            return agentAlive && checksReported == checks && probesReported == probes;
        }
    }

    private final FootprintOptions o;
    private final PrintStream out;

    FootprintCommand(FootprintOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        if (!Files.isReadable(o.agentJar())) {
            throw new IOException("cannot read the agent jar " + o.agentJar() + "; build it (mvn -pl agent package) or give --agent-jar");
        }
        Path dir = Files.createTempDirectory("aami-footprint");
        out.println("starting an embedded config-server (TLS on) on embedded PostgreSQL");
        try (BenchWorkDir work = BenchWorkDir.create(dir);
             EmbeddedTarget server = EmbeddedTarget.start(true, Duration.ofSeconds(30));
             LoopbackListeners listeners = new LoopbackListeners(o.probes());
             NodeExporter peer = NodeExporter.start(o.nodeExporter(), dir)) {
            AdminApi admin = new AdminApi(server.base(), server.adminToken(), WireJson.mapper(),
                    new FleetTls(io.aami.common.pki.Pem.readCertificate(server.caFile()), new java.security.SecureRandom()).trustOnly());
            String token = policy(admin, listeners);
            int apiPort = NodeExporter.freePort();
            Path config = work.agentConfig(server.base(), server.caFile(), token, apiPort);
            URI metrics = URI.create("http://127.0.0.1:" + apiPort + "/metrics");
            Map<String, String> env = Map.of("AAMI_CDS_ARCHIVE",
                    o.archive().equals(FootprintOptions.ARCHIVE_NONE) ? "" : dir.resolve("aami-agent.jsa").toString());
            if (o.archive().equals(FootprintOptions.ARCHIVE_TRAIN)) {
                train(dir, env);
            }
            if (!o.firstLife().isZero()) {
                firstLife(config, dir, env, work, metrics);
            } else {
                out.println("the measured life is the first");
            }
            try (LaunchedAgent agent = LaunchedAgent.start(o.launcher(), o.agentJar(), config, dir, env)) {
                return measure(admin, agent, peer, work, metrics);
            }
        }
    }

    /**
     * The agent's first life, as after its installation: it enrolls, runs its policy for {@code --first-life},
     * and is stopped, so that the launcher's class archive (here in the run's directory) is recorded as an
     * installed agent's is at its first stop. The measured life is the next one, as every later life of an
     * installed agent is.
     */
    private void firstLife(Path config, Path dir, Map<String, String> env, BenchWorkDir work, URI metrics) throws Exception {
        Path archive = dir.resolve("aami-agent.jsa");
        String was = archiveState(archive);
        try (LaunchedAgent agent = LaunchedAgent.start(o.launcher(), o.agentJar(), config, dir, env)) {
            work.awaitAgent(agent, metrics, Duration.ofSeconds(60));
            TimeUnit.MILLISECONDS.sleep(o.firstLife().toMillis());
            agent.stop(FIRST_STOP_PATIENCE_SECONDS);
        }
        out.printf(Locale.ROOT, "first life: %d s, stopped; class archive %s%n", o.firstLife().toSeconds(), !Files.exists(archive)
                ? "not recorded (the launcher made none)" : String.format(Locale.ROOT, "%s (%.1f MB)",
                        archiveState(archive).equals(was) ? "kept: it mapped the one there" : "recorded", Files.size(archive) / 1e6));
    }

    /** The archive's size and time, to tell whether a life recorded it. */
    private static String archiveState(Path archive) throws IOException {
        return Files.exists(archive) ? Files.size(archive) + "@" + Files.getLastModifiedTime(archive) : "";
    }

    /**
     * {@code aami-agent --train} through the launcher, as the packages' post-install script runs it: the class archive
     * an installed agent maps from its first life on.
     */
    private void train(Path dir, Map<String, String> env) throws IOException, InterruptedException {
        long started = System.nanoTime();
        int exit = LaunchedAgent.train(o.launcher(), o.agentJar(), dir, env, Duration.ofMinutes(2));
        Path archive = dir.resolve("aami-agent.jsa");
        out.printf(Locale.ROOT, "training run (aami-agent --train): exit %d in %.1f s; class archive %s%n", exit,
                (System.nanoTime() - started) / 1e9, Files.exists(archive)
                        ? String.format(Locale.ROOT, "recorded (%.1f MB)", Files.size(archive) / 1e6) : "not recorded");
    }

    /** A group, its checks and probes, and a one-use bootstrap token into it. */
    private String policy(AdminApi admin, LoopbackListeners listeners) {
        String name = "footprint-" + UUID.randomUUID().toString().substring(0, 8);
        UUID group = admin.createGroup(name);
        for (int i = 0; i < o.checks(); i++) {
            admin.createCheck(name + "-check-" + i, group, script(i), 30 + (30 * i) / Math.max(1, o.checks() - 1));
        }
        int i = 0;
        for (int port : listeners.ports()) {
            admin.createTcpProbe(name + "-probe-" + i++, group, "127.0.0.1", port, PROBE_INTERVAL_SECONDS);
        }
        out.printf("policy %s: %d checks (sh, every 30-60 s), %d TCP probes (every %d s) to loopback listeners%n", name,
                o.checks(), o.probes(), PROBE_INTERVAL_SECONDS);
        return admin.createBootstrapToken(name, group, 1);
    }

    /** Small scripts of the kinds operators write: read a file of /proc, test a path, count something. */
    static String script(int i) {
        return switch (i % 4) {
            case 0 -> "read one five fifteen rest < /proc/loadavg; echo \"load $one\"";
            case 1 -> "test -d / && echo \"root present\"";
            case 2 -> "n=$(ls /proc | wc -l); echo \"entries $n\"; [ \"$n\" -gt 0 ]";
            default -> "echo \"check " + i + " ok\"; exit 0";
        };
    }

    private Outcome measure(AdminApi admin, LaunchedAgent agent, NodeExporter peer, BenchWorkDir work, URI agentMetrics)
            throws Exception {
        UUID id = work.awaitAgent(agent, agentMetrics, Duration.ofSeconds(60));
        out.printf("agent %s (pid %d) up; node_exporter pid %d; warm-up %d s, window %d s%n", id, agent.pid(), peer.pid(),
                o.warmup().toSeconds(), o.window().toSeconds());
        out.println("agent command line: " + commandLine(agent.pid()));
        Scrapes scrapes = new Scrapes(agentMetrics, peer.metrics());
        scrapes.runFor(o.warmup(), null);
        ProcessStats agentStart = ProcessStats.of(agent.pid());
        ProcessStats peerStart = ProcessStats.of(peer.pid());
        long t0 = System.nanoTime();
        long[] max = new long[2];
        scrapes.runFor(o.window(), () -> {
            max[0] = Math.max(max[0], ProcessStats.of(agent.pid()).rssBytes());
            max[1] = Math.max(max[1], ProcessStats.of(peer.pid()).rssBytes());
        });
        ProcessStats agentEnd = ProcessStats.of(agent.pid());
        ProcessStats peerEnd = ProcessStats.of(peer.pid());
        long window = System.nanoTime() - t0;
        FootprintReport.Figures a = FootprintReport.Figures.of(agentStart, agentEnd, max[0], window);
        FootprintReport.Figures p = FootprintReport.Figures.of(peerStart, peerEnd, max[1], window);
        out.printf(Locale.ROOT, "load average %s%n", LoadAverage.now());
        out.print(FootprintReport.table(a, p));
        out.print(FootprintReport.goal(a, p));
        int[] reported = awaitResults(admin, id, agent);
        Outcome outcome = new Outcome(a, p, reported[0], reported[1], agent.alive(), o.checks(), o.probes());
        out.printf("results at the server: %d of %d checks, %d of %d probes reported -> %s%n", reported[0], o.checks(),
                reported[1], o.probes(), outcome.correct() ? "OK" : "INCOMPLETE");
        if (!outcome.correct()) {
            out.println("agent log (end):\n" + agent.tail(4000));
        }
        return outcome;
    }

    /** Waits until every check and probe has a result at the server (or the deadline); the counts. */
    private int[] awaitResults(AdminApi admin, UUID id, LaunchedAgent agent) throws InterruptedException {
        long deadline = System.nanoTime() + RESULTS_WAIT.toNanos();
        int[] counts;
        do {
            counts = new int[] {reported(admin.get("/api/v1/targets/" + id + "/checks"), "status"),
                    reported(admin.get("/api/v1/targets/" + id + "/probes"), "success")};
            if (counts[0] == o.checks() && counts[1] == o.probes() || !agent.alive()) {
                return counts;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        } while (System.nanoTime() < deadline);
        return counts;
    }

    /** What the launcher ran, from /proc: the JVM flags as the agent got them, for the record. */
    static String commandLine(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
    }

    private static int reported(JsonNode states, String field) {
        int n = 0;
        for (JsonNode s : states) {
            n += s.path(field).isNull() || s.path(field).isMissingNode() ? 0 : 1;
        }
        return n;
    }

    /** {@code footprint} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return FootprintOptions.USAGE;
        }

        @Override
        public int run(java.util.List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            FootprintOptions o = FootprintOptions.parse(args);
            try {
                return new FootprintCommand(o, out).run().correct() ? 0 : EXIT_INCORRECT;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench: the run failed: " + e.getMessage());
                return EXIT_FAILED;
            }
        }
    }
}
