package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.common.pki.Pem;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the {@code ingest} and {@code heartbeat} benchmarks share: an embedded server, the fleet's one
 * HTTP client, a group with one check, and {@code count} agents enrolled as the real agent enrolls
 * (with TLS each its own certificate, so its connections present its identity). Closes in reverse.
 */
final class BenchAgents implements AutoCloseable {
    private static final int LANES = Fleet.ENROLL_CONCURRENCY;

    final EmbeddedTarget server;
    final FleetHttp http;
    final ObjectMapper mapper = WireJson.mapper();
    final UUID check;
    final List<Enrollment.Enrolled> agents;
    final boolean tls;
    /** Every answer of {@link #http}, by endpoint and status. */
    final Stats stats;

    private BenchAgents(EmbeddedTarget server, FleetHttp http, UUID check, List<Enrollment.Enrolled> agents, boolean tls, Stats stats) {
        this.server = server;
        this.http = http;
        this.check = check;
        this.agents = agents;
        this.tls = tls;
        this.stats = stats;
    }

    static BenchAgents start(boolean tls, int count, Stats stats, PrintStream out) throws IOException, InterruptedException {
        out.printf("starting an embedded config-server (TLS %s) on embedded PostgreSQL%n", tls ? "on, mutual" : "off");
        // Each agent sends back to back, far above the per-agent rate limit meant for a real fleet.
        EmbeddedTarget server = EmbeddedTarget.start(tls, Duration.ofSeconds(30), java.util.Map.of(
                "AAMI_RATE_LIMITS_AGENT_PER_SECOND", "1000000", "AAMI_RATE_LIMITS_AGENT_BURST", "1000000"));
        FleetHttp http = null;
        try {
            SecureRandom random = new SecureRandom();
            ObjectMapper mapper = WireJson.mapper();
            FleetTls fleetTls = tls ? new FleetTls(Pem.readCertificate(server.caFile()), random) : null;
            PerAgentSslContextFactory ssl = fleetTls == null ? null : new PerAgentSslContextFactory(fleetTls.trustOnly());
            AdminApi admin = new AdminApi(server.base(), server.adminToken(), mapper, fleetTls == null ? null : fleetTls.trustOnly());
            String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            UUID group = admin.createGroup(name);
            UUID check = admin.createCheck(name, group);
            http = new FleetHttp(server.base(), ssl, stats);
            Enrollment enrollment = new Enrollment(http, mapper, fleetTls, ssl, random);
            List<Enrollment.Enrolled> agents = enroll(enrollment, count, uses -> admin.createBootstrapToken(
                    name + "-" + UUID.randomUUID().toString().substring(0, 8), group, uses));
            return new BenchAgents(server, http, check, agents, tls, stats);
        } catch (InterruptedException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            server.close();
            throw e;
        }
    }

    /** {@link Fleet#ENROLL_CONCURRENCY} lanes, each with a bootstrap token of its own (enrollments of one token serialize). */
    private static List<Enrollment.Enrolled> enroll(Enrollment enrollment, int count, java.util.function.IntFunction<String> token)
            throws InterruptedException {
        int lanes = Math.min(LANES, count);
        List<Enrollment.Enrolled> out = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(lanes, io.aami.common.concurrent.DaemonThreads.factory("bench-enroll"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int share = count / lanes + (lane < count % lanes ? 1 : 0);
                String bootstrap = token.apply(share);
                int l = lane;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        out.add(enrollment.enroll(bootstrap, String.format("bench-%07d", l + i * lanes), "enroll-" + l));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(out);
    }

    /** The bearer an agent authenticates with: its token without TLS, none with (the certificate is the credential). */
    String bearer(Enrollment.Enrolled agent) {
        return tls ? null : agent.agentToken();
    }

    byte[] json(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
