package io.aami.server.metrics;

import io.javalin.http.Context;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: the server's own metrics (rendered per scrape) followed by the fleet's
 * (shared between scrapes, see {@link FleetExposition}), both written by client_java in the
 * Prometheus text format, which every Prometheus version reads.
 */
public final class MetricsHandler {
    private final PrometheusRegistry registry;
    private final FleetExposition fleet;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsHandler(PrometheusRegistry registry, FleetExposition fleet) {
        this.registry = registry;
        this.fleet = fleet;
    }

    public void metrics(Context ctx) throws IOException {
        FleetExposition.Rendering rendering = fleet.current();
        ByteArrayOutputStream out = new ByteArrayOutputStream(rendering.text().length + 64 * 1024);
        writer.write(out, registry.scrape());
        out.write(rendering.text());
        ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE).result(out.toByteArray());
    }
}
