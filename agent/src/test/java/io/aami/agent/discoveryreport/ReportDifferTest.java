package io.aami.agent.discoveryreport;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.discovery.DiscoveryView;
import io.aami.agent.discovery.DiscoveryView.Row;
import io.aami.contract.discovery.DiscoveredEdge;
import io.aami.contract.discovery.DiscoveryLimits;
import io.aami.contract.discovery.DiscoveryReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a scan sends: a summary read from the view's rows, then full, only the changes, or nothing. */
class ReportDifferTest {
    static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");
    static final DiscoveryView.Seen SEEN = new DiscoveryView.Seen(3, 1, 2, 0, 0, 0, 0, 1, 0);

    static Row up(String process, String remote, String port, long n) {
        return new Row(List.of("10.0.0.1", "", port, process, "tcp", remote, ""), n);
    }

    static Row state(String process, String remote, String rport, String state, long n) {
        return new Row(List.of(process, "", "", "", remote, rport, state), n);
    }

    static DiscoveryView view(List<Row> upstream, List<Row> connections) {
        return new DiscoveryView(List.of(new Row(List.of("0.0.0.0:22", "22", "sshd", "tcp"), 1), new Row(List.of("other", "other", "x", "tcp"), 9)),
                upstream, List.of(new Row(List.of("10.0.0.1", "", "22", "sshd", "tcp", "10.0.0.9", ""), 2)), connections, SEEN);
    }

    @Test
    void aSummaryKeepsDependenciesDropsWhatWasSummedAndCountsStatesAboveTheThreshold() {
        Summary s = Summaries.of(view(List.of(up("app", "10.0.0.2", "5432", 3), up("app", "other", "other", 40)),
                List.of(state("app", "10.0.0.2", "5432", "CLOSE_WAIT", 6), state("app", "10.0.0.3", "80", "ESTABLISHED", 2))), 5);
        assertThat(s.services()).hasSize(1);
        assertThat(s.services().keySet().iterator().next().bind()).isEqualTo("0.0.0.0");
        assertThat(s.edges()).containsOnlyKeys(new DiscoveredEdge("upstream", "tcp", "app", 5432, "10.0.0.2", 0),
                new DiscoveredEdge("downstream", "tcp", "sshd", 22, "10.0.0.9", 0));
        assertThat(s.states()).hasSize(1);
        assertThat(s.states().keySet().iterator().next().state()).isEqualTo("CLOSE_WAIT");
        assertThat(s.totals()).containsEntry("CLOSE_WAIT", 6L).containsEntry("ESTABLISHED", 2L);
        assertThat(s.truncated()).isFalse();
    }

    @Test
    void rowsPastTheContractsBoundAreCutLargestFirst() {
        List<Row> many = new ArrayList<>();
        for (int i = 0; i < DiscoveryLimits.MAX_EDGES + 10; i++) {
            many.add(up("app", "10.1." + (i / 250) + "." + (i % 250), "443", i + 1));
        }
        Summary s = Summaries.of(view(many, List.of()), 5);
        assertThat(s.edges()).hasSize(DiscoveryLimits.MAX_EDGES);
        assertThat(s.edges().values()).doesNotContain(1L, 10L);
        assertThat(s.truncated()).isTrue();
    }

    @Test
    void fullFirstThenOnlyChangesOntoTheLastSeqNothingWhenUnchangedAndFullAgainAfterTheInterval() {
        ReportDiffer differ = new ReportDiffer(Duration.ofMinutes(10));
        Summary first = Summaries.of(view(List.of(up("app", "10.0.0.2", "5432", 3), up("app", "10.0.0.3", "6379", 1)), List.of()), 5);
        DiscoveryReport full = differ.next(first, T0).apply(7);
        assertThat(full.kind()).isEqualTo("full");
        assertThat(full.baseSeq()).isNull();
        assertThat(full.edges()).hasSize(3);
        differ.sent(first, 7, full);

        assertThat(differ.next(first, T0.plusSeconds(30))).as("nothing changed").isNull();

        Summary second = Summaries.of(view(List.of(up("app", "10.0.0.2", "5432", 4), up("app", "10.0.0.4", "443", 1)), List.of()), 5);
        DiscoveryReport diff = differ.next(second, T0.plusSeconds(60)).apply(8);
        assertThat(diff.kind()).isEqualTo("diff");
        assertThat(diff.baseSeq()).isEqualTo(7);
        assertThat(diff.services()).as("unchanged rows stay home").isEmpty();
        assertThat(diff.edges()).containsExactlyInAnyOrder(new DiscoveredEdge("upstream", "tcp", "app", 5432, "10.0.0.2", 4),
                new DiscoveredEdge("upstream", "tcp", "app", 443, "10.0.0.4", 1), new DiscoveredEdge("upstream", "tcp", "app", 6379, "10.0.0.3", 0));
        differ.sent(second, 8, diff);

        assertThat(differ.next(second, T0.plus(Duration.ofMinutes(10))).apply(9).kind()).as("the periodic full picture").isEqualTo("full");
        differ.reset();
        assertThat(differ.next(second, T0.plus(Duration.ofMinutes(11))).apply(10).kind()).as("after a failed spool").isEqualTo("full");
    }
}
