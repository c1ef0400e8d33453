package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped Prometheus and Grafana files (install/prometheus, install/grafana), their PromQL
 * expressions, and the Prometheus tools that check them.
 */
final class MonitoringFiles {
    static final Path PROMETHEUS = repo().resolve("install/prometheus");
    static final Path CONFIG = PROMETHEUS.resolve("prometheus.yml");
    static final Path RULES = PROMETHEUS.resolve("rules/aami.yml");
    static final Path RULE_TESTS = PROMETHEUS.resolve("rules/aami_test.yml");
    static final Path DASHBOARD = repo().resolve("install/grafana/aami-fleet.json");
    /** Where the shipped prometheus.yml expects its CA, token files and rules. */
    static final String ETC = "/etc/prometheus/";
    /** The server's read-only monitoring token (service discovery, /metrics), in {@link #ETC}. */
    static final String MONITORING_TOKEN = "aami-monitoring-token";
    /** The credential Prometheus scrapes the agents' /metrics with, in {@link #ETC}. */
    static final String AGENT_METRICS_TOKEN = "aami-agent-metrics-token";

    /** One PromQL expression and where it comes from (an alert's name, or a dashboard panel and refId). */
    record Expression(String source, String expr) {
    }

    private MonitoringFiles() {
    }

    /** The alert rules, by name, in file order. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> alerts() {
        Map<String, Object> file = yaml(RULES);
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts.put((String) rule.get("alert"), rule);
            }
        }
        return alerts;
    }

    static List<Expression> ruleExpressions() {
        List<Expression> out = new ArrayList<>();
        alerts().forEach((name, rule) -> out.add(new Expression("rule " + name, ((String) rule.get("expr")).strip())));
        return out;
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code targets[].expr} of every panel, Grafana's variables still in it. */
    static List<Expression> dashboardExpressions() {
        List<Expression> out = new ArrayList<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Expression("panel '" + panel.get("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Skips when {@code tool} is missing, unless AAMI_REQUIRE_TOOLS is set (CI installs Debian's prometheus package). */
    static void requireTool(String tool) {
        boolean present = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as(tool + " on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, tool + " not installed (Debian package prometheus)");
    }

    /** Exit code and combined output of a short command. */
    record Result(int exit, String output) {
    }

    static Result run(Path workDir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("aami-tool", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * The shipped prometheus.yml with every {@code /etc/prometheus/} path moved into {@code dir}, where
     * the files it names are created (the rules copied, the CA and tokens as given): promtool and
     * Prometheus refuse a config whose files are missing.
     */
    static Path installConfig(Path dir, String rules, String caPem, String monitoringToken, String agentToken) throws IOException {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/aami.yml"), rules);
        Files.writeString(dir.resolve("aami-ca.crt"), caPem);
        Files.writeString(dir.resolve(MONITORING_TOKEN), monitoringToken + "\n");
        Files.writeString(dir.resolve(AGENT_METRICS_TOKEN), agentToken + "\n");
        String config = Files.readString(CONFIG).replace(ETC, dir.toAbsolutePath() + "/");
        return Files.writeString(dir.resolve("prometheus.yml"), config);
    }

    private static Path repo() {
        return Path.of(System.getProperty("aami.repo.dir", "..")).toAbsolutePath().normalize();
    }
}
