package io.aami.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.enrollment.CredentialStore;
import io.aami.agent.enrollment.Enroller;
import io.aami.agent.enrollment.PendingEnrollment;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.pki.AgentTls;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.transport.UnusedTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.retry.Retry;
import io.aami.agent.util.StopSignal;
import io.aami.common.json.WireJson;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import io.aami.server.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent chooses its agent token and keeps it with its key in {@code enrollment.json} (0600) before
 * the registration request leaves, so the retry after a lost answer, even from a restarted agent, is
 * the identical request. A real CA signs; only the server's answers are scripted.
 */
class EnrollmentMaterialTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final ObjectMapper MAPPER = WireJson.mapper(1 << 20);

    @TempDir
    Path dir;

    /** What one registration request carried, and what was on disk when it was sent. */
    record Sent(RegisterRequest request, JsonNode onDisk, String mode) {
        PublicKey csrKey() throws Exception {
            return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(Pem.parseCsr(request.csr())).getPublicKey();
        }
    }

    @Test
    void theKeyAndTokenAreOnDiskBeforeTheRequestAndARestartedAgentRetriesTheIdenticalRequest() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), RANDOM);
        AgentConfig cfg = TestAgentConfig.plainAndQuick(dir, 1, "aami_abcdef.secret");
        UUID id = UUID.randomUUID();
        Path pendingFile = cfg.pendingEnrollmentFile();
        List<Sent> sent = new ArrayList<>();

        StopSignal firstRun = new StopSignal();
        Optional<AgentCredentials> lost = enroller(cfg, id, ca, firstRun, req -> {
            sent.add(record(req, pendingFile));
            firstRun.stop();
            throw TransportException.unreachable("the answer was lost", null);
        }).enroll(null);
        assertThat(lost).as("the first agent process stopped before any answer").isEmpty();

        String policyKey = Base64.getEncoder().encodeToString(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());
        Optional<AgentCredentials> enrolled = enroller(cfg, id, ca, new StopSignal(), req -> {
            sent.add(record(req, pendingFile));
            return new RegisterResponse(id, null, 30, null, Map.of(),
                    Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, Duration.ofDays(7))), Pem.certificateToPem(ca.certificate()),
                    policyKey, "k1");
        }).enroll(null);

        assertThat(sent).hasSize(2);
        for (Sent s : sent) {
            assertThat(s.onDisk()).as("stored before the request left").isNotNull();
            assertThat(s.mode()).isEqualTo("rw-------");
            String token = s.onDisk().get("agent_token").asText();
            assertThat(s.request().agentTokenSha256()).isEqualTo(sha256Hex(token));
            assertThat(Keys.matches(Pem.parsePrivateKey(s.onDisk().get("private_key").asText()), s.csrKey()))
                    .as("the CSR is for the stored key").isTrue();
            assertThat(s.request().toString()).doesNotContain(token);
        }
        assertThat(sent.get(1).request().agentTokenSha256()).isEqualTo(sent.get(0).request().agentTokenSha256());
        assertThat(sent.get(1).csrKey()).isEqualTo(sent.get(0).csrKey());

        assertThat(enrolled).isPresent();
        assertThat(enrolled.get().agentToken()).isEqualTo(sent.get(0).onDisk().get("agent_token").asText());
        assertThat(Keys.matches(Pem.readPrivateKey(cfg.agent().stateDir().resolve("agent.key")), sent.get(0).csrKey())).isTrue();
        assertThat(new CredentialStore(cfg.credentialsFile(), MAPPER).load().orElseThrow().agentToken())
                .isEqualTo(enrolled.get().agentToken());
        assertThat(pendingFile).as("done with once the answer is stored").doesNotExist();
    }

    @Test
    void aLeftoverWhoseTokenIsAlreadyTheCredentialIsNotReused() {
        PendingEnrollment pending = new PendingEnrollment(dir.resolve("enrollment.json"), MAPPER, RANDOM);
        UUID id = UUID.randomUUID();
        PendingEnrollment.Material first = pending.forAttempt(id, null, true);
        assertThat(pending.forAttempt(id, null, true).agentToken()).isEqualTo(first.agentToken());
        assertThat(first.agentToken()).matches("aami_agent_[a-z0-9]{43}");
        PendingEnrollment.Material next = pending.forAttempt(id, first.agentToken(), true);
        assertThat(next.agentToken()).isNotEqualTo(first.agentToken());
        assertThat(pending.forAttempt(UUID.randomUUID(), null, true).agentToken()).as("another id").isNotEqualTo(next.agentToken());
    }

    static Sent record(RegisterRequest req, Path pendingFile) {
        try {
            if (!Files.exists(pendingFile)) {
                return new Sent(req, null, null);
            }
            return new Sent(req, MAPPER.readTree(Files.readString(pendingFile)),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(pendingFile)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    Enroller enroller(AgentConfig cfg, UUID id, CertificateAuthority ca, StopSignal stop, Function<RegisterRequest, RegisterResponse> answer) {
        Path state = cfg.agent().stateDir();
        AgentTls tls = new AgentTls(new AgentTls.Locations(state.resolve("ca.crt"), state.resolve("agent.crt"), state.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        return new Enroller(cfg, id, new RegisterOnly(answer), new CredentialStore(cfg.credentialsFile(), MAPPER), stop,
                new Retry(Duration.ofMillis(10), Duration.ofMillis(50), RANDOM), Clock.systemUTC(), "t", new CredentialHolder(),
                new AgentMetrics(), tls, PolicyKeyPin.load(cfg.policyKeyFile(), MAPPER, Optional.empty()),
                new PendingEnrollment(cfg.pendingEnrollmentFile(), MAPPER, RANDOM));
    }

    /** Answers registrations only; anything else is a test bug. */
    record RegisterOnly(Function<RegisterRequest, RegisterResponse> answer) implements UnusedTransport {
        @Override
        public RegisterResponse register(RegisterRequest request, String currentAgentToken) {
            return answer.apply(request);
        }
    }
}
