package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code probes}: the agent's TCP connect probes per CPU-second of the agent against blackbox_exporter's and a
 * raw connect loop's, on the same loopback listeners ({@link ProbeTargets}). Phases, one peer at a time: blackbox
 * {@code /probe} over {@code --connections} kept-alive connections; the agent's {@code /run_tasks} in
 * {@code --batch}-task calls (batched) and its {@code GET /probe} over the same connections (single), each after a
 * warm-up; the raw loop. Exit 0 when every answer was right, 1 when one was not, 3 when the run could not be made.
 */
final class ProbesCommand {
    static final int EXIT_WRONG = 1;
    static final int EXIT_FAILED = 3;
    /** The goals of issue 14. */
    static final double BATCHED_VS_BLACKBOX = 10;
    static final double BATCHED_VS_RAW = 0.8;
    static final double SINGLE_VS_BLACKBOX = 3;

    /** What a run measured; a phase not run is null. */
    record Outcome(ProbeLoad.Phase blackbox, ProbeLoad.Phase batched, ProbeLoad.Phase single, RawPeer.Result raw,
                   String rawName) {
        boolean correct() {
            return wrong(blackbox) == 0 && wrong(batched) == 0 && wrong(single) == 0 && (raw == null || raw.wrong() == 0);
        }

        private static long wrong(ProbeLoad.Phase p) {
            return p == null ? 0 : p.wrong() + (p.probes() == 0 ? 1 : 0);
        }
    }

    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return ProbesOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            ProbesOptions o = ProbesOptions.parse(args);
            try {
                return new ProbesCommand(o, out).run().correct() ? 0 : EXIT_WRONG;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (IOException | RuntimeException e) {
                err.println("aami-bench probes: the run could not be made: " + e.getMessage());
                return EXIT_FAILED;
            }
        }
    }

    private final ProbesOptions o;
    private final PrintStream out;

    ProbesCommand(ProbesOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws IOException, InterruptedException {
        Path dir = workDir();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        ObjectMapper mapper = WireJson.mapper();
        out.printf("probes: %d loopback listeners + 1 closed port (every %dth probe), %s per phase, %s warm-up; load average %s%n",
                o.listeners(), ProbeTargets.CLOSED_EVERY, seconds(o.duration()), seconds(o.warmup()), LoadAverage.now());
        try (ProbeTargets targets = new ProbeTargets(o.listeners())) {
            return run(dir, token, mapper, targets);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Outcome run(Path dir, String token, ObjectMapper mapper, ProbeTargets targets) throws IOException, InterruptedException {
        {
            RawPeer raw = RawPeer.prepare(dir, o.rawJava());
            ProbeLoad.Phase blackbox;
            try (ChildProcess bb = ProbePeers.blackbox(o, dir, ChildProcess.freePort())) {
                blackbox = measure(bb, bb.port(), null, o.connections(), ProbeCalls.blackbox(targets), false);
            }
            print("blackbox /probe (" + ProbePeers.blackboxVersion(o.blackbox()) + ", " + o.connections() + " connections)", blackbox);
            ProbeLoad.Phase batched = null;
            ProbeLoad.Phase single = null;
            try (ChildProcess agent = ProbePeers.agent(o, dir, ChildProcess.freePort(), token)) {
                if (o.batched()) {
                    batched = measure(agent, agent.port(), token, o.batchClients(), ProbeCalls.agentBatch(targets, o.batch(), mapper), true);
                    print("aami /run_tasks (" + o.batch() + "-task batches, " + o.batchClients() + " clients)", batched);
                }
                if (o.single()) {
                    single = measure(agent, agent.port(), token, o.connections(), ProbeCalls.agentProbe(targets), true);
                    print("aami /probe (" + o.connections() + " connections)", single);
                }
            }
            RawPeer.Result rawResult = o.batched() ? raw.run(targets, o.duration()) : null;
            if (rawResult != null) {
                out.printf("raw peer: %s: %d probes (%d refused as expected, %d wrong), %.0f probes per CPU-second%n",
                        raw.name(), rawResult.probes(), rawResult.refused(), rawResult.wrong(), perCpuSecond(rawResult));
            }
            Outcome outcome = new Outcome(blackbox, batched, single, rawResult, raw.name());
            verdicts(outcome);
            return outcome;
        }
    }

    /**
     * Where the peers keep their files, removed after the run. Not under /tmp: an agent run as root refuses a checks
     * work dir below a directory others may write to, and its check user ('nobody') must be able to enter every
     * parent, so as root under /var/lib (as a packaged agent), else under the home directory.
     */
    private static Path workDir() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path base = root ? Path.of("/var/lib/aami-bench") : Path.of(System.getProperty("user.home"), ".aami-bench");
        Files.createDirectories(base);
        if (root) {
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Files.createTempDirectory(base, "probes-");
    }

    private ProbeLoad.Phase measure(ChildProcess peer, int port, String token, int clients, ProbeLoad.Call call, boolean warm)
            throws IOException, InterruptedException {
        if (warm && !o.warmup().isZero()) {
            ProbeLoad.run(peer, port, token, clients, o.warmup(), call);
        }
        return ProbeLoad.run(peer, port, token, clients, o.duration(), call);
    }

    private void print(String what, ProbeLoad.Phase p) {
        out.printf("%s: %d probes in %d requests, %.2f CPU-s, %.0f probes per CPU-second (%.0f/s wall); closed port"
                        + " reported failed %d times; %d wrong%s%n", what, p.probes(), p.requests(), p.cpuNanos() / 1e9,
                p.perCpuSecond(), p.perWallSecond(), p.closedReportedFailed(), p.wrong(),
                p.firstProblem() == null ? "" : " (first: " + p.firstProblem() + ")");
    }

    private void verdicts(Outcome r) {
        double bb = r.blackbox().perCpuSecond();
        if (r.batched() != null) {
            double agent = r.batched().perCpuSecond();
            ratio("batched: aami /run_tasks vs blackbox", agent, bb, BATCHED_VS_BLACKBOX);
            ratio("batched: aami /run_tasks vs raw (" + r.rawName() + ")", agent, perCpuSecond(r.raw()), BATCHED_VS_RAW);
        }
        if (r.single() != null) {
            ratio("one per request: aami /probe vs blackbox", r.single().perCpuSecond(), bb, SINGLE_VS_BLACKBOX);
        }
        out.println("correctness: " + (r.correct() ? "OK (every probe answered as expected by every peer)" : "FAILED"));
    }

    private void ratio(String what, double aami, double peer, double goal) {
        double ratio = peer <= 0 ? 0 : aami / peer;
        out.printf("%s: %.0f vs %.0f probes per CPU-second = %.2fx (goal >= %.1fx: %s)%n", what, aami, peer, ratio, goal,
                ratio >= goal ? "met" : "NOT met");
    }

    private static double perCpuSecond(RawPeer.Result r) {
        return r.cpuNanos() <= 0 ? 0 : r.probes() * 1e9 / r.cpuNanos();
    }

    private static String seconds(Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }

}
