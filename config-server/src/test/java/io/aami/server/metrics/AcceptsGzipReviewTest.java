package io.aami.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Review (integ, fix-metrics): a scraper that refuses gzip with any spelling of q=0 gets plain text (RFC 9110 12.4.2). */
class AcceptsGzipReviewTest {
    @Test
    void qZeroInAnySpellingRefusesGzip() {
        assertThat(MetricsHandler.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(MetricsHandler.acceptsGzip("gzip;q=0.0")).isFalse();
        assertThat(MetricsHandler.acceptsGzip("gzip;q=0.000")).isFalse();
        assertThat(MetricsHandler.acceptsGzip("gzip;Q=0")).isFalse();
        assertThat(MetricsHandler.acceptsGzip("gzip, deflate")).isTrue();
    }
}
