package io.aami.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A scraper that refuses gzip with any spelling of q=0 gets plain text (RFC 9110 12.5.3). */
class AcceptsGzipTest {
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                 | false",
        "''                   | false",
        "identity             | false",
        "deflate, br          | false",
        "gzip                 | true",
        "GZIP                 | true",
        "x-gzip               | true",
        "gzip, deflate        | true",
        "deflate ; q=1, gzip  | true",
        "gzip;q=0.5           | true",
        "gzip; q=1.0          | true",
        "gzip;q=0             | false",
        "gzip;q=0.0           | false",
        "gzip;q=0.000         | false",
        "gzip;Q=0             | false",
        "GZIP;Q=0             | false",
        "gzip ; q = 0         | false",
        "gzip;q=abc           | false",
        "*                    | true",
        "*;q=0                | false",
        "*;q=0.0, identity    | false",
        "*, gzip;q=0          | false",
        "*;q=0, gzip          | true",
        "identity;q=1, *;q=0.1| true",
    })
    void acceptsGzip(String header, boolean expected) {
        assertThat(MetricsHandler.acceptsGzip(header)).isEqualTo(expected);
    }
}
