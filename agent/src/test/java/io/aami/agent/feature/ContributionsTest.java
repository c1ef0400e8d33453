package io.aami.agent.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.agent.api.LocalApi;
import io.aami.contract.policy.PolicyBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContributionsTest {
    final Contributions out = new Contributions();

    @Test
    void closeablesCloseInReverseOrderOfRegistration() throws Exception {
        List<String> closed = new ArrayList<>();
        out.closeable(() -> closed.add("transport"));
        out.closeable(() -> closed.add("spool"));
        out.closeable(() -> closed.add("producer"));
        out.closeable(() -> closed.add("api"));
        for (AutoCloseable c : out.closeables()) {
            c.close();
        }
        assertThat(closed).containsExactly("api", "producer", "spool", "transport");
    }

    @Test
    void twoFeaturesCannotServeOnePath() {
        LocalApi.Endpoint endpoint = new LocalApi.Endpoint(Set.of("GET"), ex -> { });
        out.routes(Map.of("/probe", endpoint));
        assertThatThrownBy(() -> out.routes(Map.of("/probe", endpoint))).hasMessageContaining("/probe");
    }

    @Test
    void everyBundleConsumerSeesTheBundleInOrder() {
        List<String> seen = new ArrayList<>();
        out.onBundle(b -> seen.add("checks"));
        out.onBundle(b -> seen.add("probes"));
        out.applyBundle(new PolicyBundle(1, null, null, null, List.of(), List.of(), null, null));
        assertThat(seen).containsExactly("checks", "probes");
    }

    @Test
    void theHeartbeatReportsTheFirstProblemAndTheSumOfPendingResults() {
        assertThat(out.problem()).isNull();
        assertThat(out.appliedPolicyVersion()).isNegative();
        String[] trust = {null};
        out.problem(() -> trust[0]);
        out.problem(() -> "policy refused");
        out.pendingResults(() -> 3);
        out.pendingResults(() -> 4);
        out.appliedPolicyVersion(() -> 7);
        assertThat(out.problem()).isEqualTo("policy refused");
        trust[0] = "enrollment answer refused";
        assertThat(out.problem()).isEqualTo("enrollment answer refused");
        assertThat(out.pendingResults()).isEqualTo(7);
        assertThat(out.appliedPolicyVersion()).isEqualTo(7);
    }
}
