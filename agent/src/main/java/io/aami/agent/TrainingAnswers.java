package io.aami.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.common.pki.Pem;
import io.aami.contract.ApiPaths;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import io.aami.contract.results.ResultAck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the training stand-in answers, as a config-server would, so the training agent goes the whole way of a first
 * life: enrollment (its CSR signed), heartbeats, a signed policy of one shell check and one TCP probe (the check run in
 * the sandbox, the probe made), the results and discovery reports acknowledged. Anything else is 404. It tells
 * {@code firstAnswered} the first time it answers each kind of request, which is how the training knows the agent got
 * there.
 */
final class TrainingAnswers implements TrainingServer.Handler {
    static final String REGISTER = "register";
    static final String HEARTBEAT = "heartbeat";
    static final String POLICY = "policy";
    static final String CHECK_RESULTS = "check-results";
    static final String PROBE_RESULTS = "probe-results";

    private static final Pattern AGENT_POST = Pattern.compile(
            "/api/v1/agents/[0-9a-f-]{36}/(heartbeat|check-results|probe-results|discovery)");
    private static final Pattern POLICY_GET = Pattern.compile("/api/v1/checks/target/([0-9a-f-]{36})");
    private static final String SCRIPT = "#!/bin/sh\n# aami-agent --train: a check run in the sandbox\nexit 0\n";
    private static final Duration HELD_POLL = Duration.ofSeconds(2);

    private final TrainingPki pki;
    private final int probePort;
    private final ObjectMapper json = WireJson.mapper();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Consumer<String> firstAnswered;

    /** {@code firstAnswered}: told each kind ({@link #REGISTER}, {@link #HEARTBEAT}, …) the first time it is answered. */
    TrainingAnswers(TrainingPki pki, int probePort, Consumer<String> firstAnswered) {
        this.pki = pki;
        this.probePort = probePort;
        this.firstAnswered = firstAnswered;
    }

    @Override
    public TrainingServer.Answer answer(TrainingServer.Request request) throws Exception {
        String path = request.target().split("\\?", 2)[0];
        if (request.method().equals("POST") && path.equals(ApiPaths.REGISTER)) {
            return ok(REGISTER, register(json.readValue(request.body(), RegisterRequest.class)));
        }
        Matcher post = AGENT_POST.matcher(path);
        if (request.method().equals("POST") && post.matches()) {
            return post.group(1).equals(HEARTBEAT) ? ok(HEARTBEAT, new HeartbeatResponse(Instant.now(), 30))
                    : ok(post.group(1), ack(json.readTree(request.body())));
        }
        Matcher poll = POLICY_GET.matcher(path);
        if (request.method().equals("GET") && poll.matches()) {
            if (request.ifNoneMatch() != null) {
                Thread.sleep(HELD_POLL.toMillis()); // held as a long poll with no change, then "not modified"
                return new TrainingServer.Answer(304, "Not Modified", null);
            }
            return ok(POLICY, policy(UUID.fromString(poll.group(1))));
        }
        return new TrainingServer.Answer(404, "Not Found",
                "{\"error\":\"not served by the training stand-in\",\"code\":\"NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8));
    }

    private RegisterResponse register(RegisterRequest req) throws Exception {
        return new RegisterResponse(req.agentId(), null, 30, null, Map.of(), pki.issueAgentCertificate(req.csr(), req.agentId()),
                pki.caPem(), pki.policyPublicKey(), pki.policyKeyId());
    }

    private PolicyBundle policy(UUID target) throws Exception {
        Instant now = Instant.now();
        CheckSpec check = new CheckSpec(UUID.nameUUIDFromBytes("training-check".getBytes(StandardCharsets.UTF_8)), "training", "sh",
                SCRIPT, Pem.sha256Hex(SCRIPT.getBytes(StandardCharsets.UTF_8)), List.of(), Map.of(), 60, 10, Map.of());
        ProbeSpec probe = new ProbeSpec(UUID.nameUUIDFromBytes("training-probe".getBytes(StandardCharsets.UTF_8)), null, "training",
                null, null, "127.0.0.1", probePort, "TCP", 1000, 10, null, null, false, Map.of(), null);
        return pki.sign(new PolicyBundle(1, target, now, now.plus(Duration.ofHours(1)), List.of(check), List.of(probe), null, null));
    }

    /** Every result of the batch acknowledged as stored: the highest {@code seq} in it. */
    private static ResultAck ack(JsonNode batch) {
        long last = 0;
        int count = 0;
        for (JsonNode result : batch.path("results")) {
            last = Math.max(last, result.path("seq").asLong());
            count++;
        }
        return new ResultAck(last, count, 0, 0);
    }

    private TrainingServer.Answer ok(String kind, Object body) throws Exception {
        TrainingServer.Answer answer = new TrainingServer.Answer(200, "OK", json.writeValueAsBytes(body));
        if (answered.add(kind)) {
            firstAnswered.accept(kind);
        }
        return answer;
    }
}
