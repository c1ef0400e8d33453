package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolMetricsTest {
    @TempDir
    Path dir;

    @Test
    void twoStreamsShareOneRegistryWithTheirOwnLabels() {
        SpoolFixture fx = new SpoolFixture();
        SpoolOptions opts = options(1 << 20, 4096, FsyncPolicy.NEVER);
        try (ResultSpool checks = ResultSpool.open(dir.resolve("checks"), opts, SpoolFixture.CLOCK, fx.metrics.forStream("checks"));
             ResultSpool probes = ResultSpool.open(dir.resolve("probes"), opts, SpoolFixture.CLOCK, fx.metrics.forStream("probes"))) {
            SpoolFixture.appendN(checks, 2);
            SpoolFixture.appendN(probes, 5);
            probes.ack(1);

            assertThat(fx.sample("aami_agent_spool_appended_total{stream=\"checks\"}")).isEqualTo(2.0);
            assertThat(fx.sample("aami_agent_spool_appended_total{stream=\"probes\"}")).isEqualTo(5.0);
            assertThat(fx.sample("aami_agent_spool_records{stream=\"checks\"}")).isEqualTo(2.0);
            assertThat(fx.sample("aami_agent_spool_records{stream=\"probes\"}")).isEqualTo(4.0);
            assertThat(fx.sample("aami_agent_spool_bytes{stream=\"probes\"}")).isEqualTo(probes.stats().bytes()).isPositive();
            assertThat(fx.sample("aami_agent_spool_dropped_records_total{stream=\"probes\"}")).isZero();
            assertThat(fx.sample("aami_agent_spool_corrupt_records_total{stream=\"checks\"}")).isZero();
            // the same stream cannot have two open spools
            assertThatThrownBy(() -> ResultSpool.open(dir.resolve("other"), opts, SpoolFixture.CLOCK, fx.metrics.forStream("checks")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("stream 'checks' is already open");
        }
    }

    @Test
    void streamNamesAreLabelSafe() {
        SpoolMetrics metrics = new SpoolFixture().metrics;
        assertThatThrownBy(() -> metrics.forStream("Checks!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Checks!");
        assertThat(metrics.forStream("probes").stream()).isEqualTo("probes");
    }

    @Test
    void optionsAreValidatedAndTheConfigPolicyParsed() {
        assertThat(SpoolOptions.defaults()).isEqualTo(new SpoolOptions(64L << 20, 1L << 20, FsyncPolicy.INTERVAL,
                java.time.Duration.ofSeconds(1)));
        assertThatThrownBy(() -> options(300, 200, FsyncPolicy.NEVER)).hasMessageContaining("maxBytes must hold at least two segments");
        assertThatThrownBy(() -> options(1 << 20, 100, FsyncPolicy.NEVER)).hasMessageContaining("segmentBytes must be between");
        assertThatThrownBy(() -> new SpoolOptions(1 << 20, 4096, FsyncPolicy.INTERVAL, java.time.Duration.ZERO))
                .hasMessageContaining("fsyncInterval must be positive");
        assertThat(FsyncPolicy.fromConfig("interval")).isEqualTo(FsyncPolicy.INTERVAL);
        assertThat(FsyncPolicy.fromConfig("ALWAYS")).isEqualTo(FsyncPolicy.ALWAYS);
        assertThatThrownBy(() -> FsyncPolicy.fromConfig("sometimes")).hasMessageContaining("'sometimes'");
    }
}
