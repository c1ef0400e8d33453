package io.aami.server.policy;

import static io.aami.server.testing.Fixtures.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One change woken many long polls: the scope's content is computed once for all its waiting targets
 * and serialized once (not once per target), and every bundle built from it is still signed for its own agent and
 * answered as the wire mapper's own document.
 */
class PolicyFanOutTest {
    static TestServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        api = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aGlobalChangeComputesEachScopeOnceForAllItsWaitersAndSignsEveryBundleForItsAgent() throws Exception {
        String web = Fixtures.group(api, "fan-web");
        String db = Fixtures.group(api, "fan-db");
        List<EnrolledAgent> agents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            agents.add(Fixtures.enroll(api, "web-" + i, web));
        }
        for (int i = 0; i < 3; i++) {
            agents.add(Fixtures.enroll(api, "db-" + i, db));
        }
        EnrolledAgent special = Fixtures.enroll(api, "special", web);
        agents.add(special);
        Fixtures.createCheck(api, check("mine", "true", 10, Map.of("target_id", special.id().toString())));

        List<Long> known = new ArrayList<>();
        List<CompletableFuture<Api.Reply>> polls = new ArrayList<>();
        for (EnrolledAgent a : agents) {
            long v = PolicyPullTest.pull(api, a, null, null).json().get("version").asLong();
            known.add(v);
            polls.add(CompletableFuture.supplyAsync(() -> PolicyPullTest.pull(api, a, "\"" + v + "\"", "30s")));
        }
        Thread.sleep(1_000);
        assertThat(polls).noneMatch(CompletableFuture::isDone);
        double shared = computed("shared");
        double own = computed("own");
        double serialized = serialized();

        Fixtures.createCheck(api, check("fan-global", "echo everywhere", 60, Map.of("global", true)));

        PublicKey key = policyKey();
        for (int i = 0; i < agents.size(); i++) {
            Api.Reply r = polls.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            PolicyBundle b = r.as(PolicyBundle.class);
            assertThat(b.targetId()).isEqualTo(agents.get(i).id());
            assertThat(b.version()).isGreaterThan(known.get(i));
            assertThat(b.checks()).extracting(c -> c.name()).contains("fan-global");
            assertThat(verifies(key, b)).as("signature of %s", b.targetId()).isTrue();
            assertThat(r.body()).as("the wire mapper's own document").isEqualTo(MAPPER.writeValueAsString(b));
        }
        // 16 answers from 3 contents, each serialized once (BundleJson), not once per answer.
        assertThat(serialized() - serialized).isEqualTo(3.0);
        // web and db once each, the target with a check of its own alone; not 16 computations.
        assertThat(computed("own") - own).isEqualTo(1.0);
        assertThat(api.get("/metrics", null).body()).contains("aami_policy_long_polls_waiting 0");
        assertThat(computed("shared") - shared).isEqualTo(2.0);
    }

    private static final ObjectMapper MAPPER = WireJson.mapper();

    static double serialized() {
        String prefix = "aami_policy_contents_serialized_total ";
        return api.get("/metrics", null).body().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
    }

    static double computed(String kind) {
        String prefix = "aami_policy_contents_computed_total{kind=\"" + kind + "\"} ";
        return api.get("/metrics", null).body().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
    }

    static PublicKey policyKey() throws Exception {
        PolicyKeyInfo info = api.get("/api/v1/policy-key", null).as(PolicyKeyInfo.class);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(info.publicKey())));
    }

    static boolean verifies(PublicKey key, PolicyBundle b) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(PolicyCanonicalForm.canonical(b));
        return s.verify(Base64.getDecoder().decode(b.signature()));
    }
}
