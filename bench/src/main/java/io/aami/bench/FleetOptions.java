package io.aami.bench;

import static io.aami.bench.OptionValues.value;
import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code fleet}, parsed and checked together: every refusal names the option, and the
 * caller exits 2 with it. {@code server} is null with {@code --embedded}; {@code rampPerMinute} 0 means a
 * fixed fleet of {@code agents}.
 */
public record FleetOptions(int agents, Duration duration, boolean tls, URI server, Path adminTokenFile, String databaseUrl,
                           Path caFile, Duration heartbeat, int resultsPerMinute, int rampPerMinute, Duration policyWait,
                           Path identities, Path dataDir, int processes, int replicas) {
    static final int MAX_AGENTS = 1_000_000;
    /** Simulator children connect from 127.0.0.2 upwards, one loopback address each. */
    static final int MAX_PROCESSES = 64;
    /** The embedded PostgreSQL's {@code max_connections} (300) over a replica's pool (16) and its {@code LISTEN} connection. */
    static final int MAX_REPLICAS = 16;
    /** {@code --ramp} without a number: issue 14's step, 5,000 more agents a minute. */
    static final int DEFAULT_RAMP = 5_000;
    static final String USAGE = """
            usage: aami-bench fleet --agents N [--duration 60s] [--tls|--no-tls]
                     [--embedded [--data-dir DIR] | --server https://host:port --admin-token-file F --database-url JDBC_URL --ca-file F]
                     [--heartbeat 30s] [--results-per-minute 10] [--ramp [PER_MINUTE, default 5000]] [--policy-wait 55s]
                     [--identities FILE] [--processes 1] [--replicas 1 (with --embedded)]""";

    public boolean embedded() {
        return server == null;
    }

    public static FleetOptions parse(List<String> args) throws UsageException {
        Builder b = new Builder();
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            switch (opt) {
                case "--tls" -> b.tlsOn = true;
                case "--no-tls" -> b.tlsOff = true;
                case "--embedded" -> b.embedded = true;
                case "--ramp" -> {
                    boolean given = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                    b.ramp = given ? number(opt, args.get(++i), 1, MAX_AGENTS) : DEFAULT_RAMP;
                }
                default -> b.set(opt, value(args, ++i, opt));
            }
        }
        return b.build();
    }


    private static final class Builder {
        Integer agents;
        Duration duration = Duration.ofSeconds(60);
        boolean tlsOn;
        boolean tlsOff;
        boolean embedded;
        URI server;
        Path adminTokenFile;
        String databaseUrl;
        Path caFile;
        Duration heartbeat = Duration.ofSeconds(30);
        int resultsPerMinute = 10;
        int ramp;
        Duration policyWait = Duration.ofSeconds(55);
        Path identities;
        Path dataDir;
        int processes = 1;
        Integer replicas;

        void set(String opt, String v) throws UsageException {
            switch (opt) {
                case "--agents" -> agents = number(opt, v, 1, MAX_AGENTS);
                case "--duration" -> duration = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--server" -> server = uri(opt, v);
                case "--admin-token-file" -> adminTokenFile = Path.of(v);
                case "--database-url" -> databaseUrl = jdbc(opt, v);
                case "--ca-file" -> caFile = Path.of(v);
                case "--heartbeat" -> heartbeat = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--results-per-minute" -> resultsPerMinute = number(opt, v, 0, 6000);
                case "--identities" -> identities = Path.of(v);
                case "--data-dir" -> dataDir = Path.of(v);
                case "--policy-wait" -> policyWait = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--processes" -> processes = number(opt, v, 1, MAX_PROCESSES);
                case "--replicas" -> replicas = number(opt, v, 1, MAX_REPLICAS);
                default -> throw new UsageException("unknown option " + opt);
            }
        }

        FleetOptions build() throws UsageException {
            if (agents == null) {
                throw new UsageException("--agents is required (the fleet size; with --ramp, the first step)");
            }
            if (embedded == (server != null)) {
                throw new UsageException(embedded ? "--embedded and --server exclude each other" : "give --embedded or --server");
            }
            if (server != null && (adminTokenFile == null || databaseUrl == null)) {
                throw new UsageException("--server needs " + (adminTokenFile == null ? "--admin-token-file" : "--database-url")
                        + " (the admin API creates the bootstrap token; the database proves exactly-once)");
            }
            if (embedded && (adminTokenFile != null || databaseUrl != null || caFile != null)) {
                throw new UsageException("--admin-token-file, --database-url and --ca-file belong to --server, not --embedded");
            }
            if (dataDir != null && !embedded) {
                throw new UsageException("--data-dir belongs to --embedded (the embedded server's directory, kept between runs)");
            }
            if (identities != null && embedded && dataDir == null) {
                throw new UsageException("--identities with --embedded needs --data-dir: enrolled agents are reusable only with"
                        + " the same server, whose CA and database live in that directory");
            }
            if (replicas != null && !embedded) {
                throw new UsageException("--replicas belongs to --embedded (the bench starts the replicas beside its embedded server)");
            }
            if (tlsOn && tlsOff) {
                throw new UsageException("--tls and --no-tls exclude each other");
            }
            boolean useTls = tlsOn || !tlsOff && (server == null || server.getScheme().equals("https"));
            if (server != null && useTls != server.getScheme().equals("https")) {
                throw new UsageException("--server " + server + " does not match --" + (useTls ? "tls" : "no-tls"));
            }
            if (useTls && server != null && caFile == null) {
                throw new UsageException("--server over TLS needs --ca-file (the server's CA, <data_dir>/pki/ca.crt): the fleet trusts nothing else");
            }
            return new FleetOptions(agents, duration, useTls, server, adminTokenFile, databaseUrl, caFile, heartbeat,
                    resultsPerMinute, ramp, policyWait, identities, dataDir, processes, replicas == null ? 1 : replicas);
        }
    }



    private static URI uri(String opt, String v) throws UsageException {
        try {
            URI u = new URI(v);
            if ((u.getScheme() != null && (u.getScheme().equals("https") || u.getScheme().equals("http")))
                    && u.getHost() != null && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))) {
                return URI.create(u.getScheme() + "://" + u.getRawAuthority());
            }
        } catch (java.net.URISyntaxException e) {
            // answered below
        }
        throw new UsageException(opt + " must be https://host:port or http://host:port, not '" + v + "'");
    }

    private static String jdbc(String opt, String v) throws UsageException {
        if (!v.startsWith("jdbc:postgresql:")) {
            throw new UsageException(opt + " must be a jdbc:postgresql: URL (user and password as its parameters)");
        }
        return v;
    }
}
