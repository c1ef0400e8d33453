package io.aami.server.metrics;

import io.javalin.http.Context;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: the server's own metrics (client_java, per scrape) followed by the fleet's
 * (shared between scrapes, see {@link FleetExposition}), in the Prometheus text format, which every
 * Prometheus version reads. Streamed to the response as it is kept, never copied whole; gzipped at the
 * fastest level when the scraper accepts it (Prometheus does: tens of MB of repetitive text shrink
 * about 25-fold, and level 1 costs a fraction of the default's CPU).
 */
public final class MetricsHandler {
    private static final int BUFFER = 64 * 1024;

    private final PrometheusRegistry registry;
    private final FleetExposition fleet;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsHandler(PrometheusRegistry registry, FleetExposition fleet) {
        this.registry = registry;
        this.fleet = fleet;
    }

    public void metrics(Context ctx) throws IOException {
        FleetExposition.Rendering rendering = fleet.current();
        boolean gzip = acceptsGzip(ctx.header("Accept-Encoding"));
        // The servlet's own stream, not Javalin's: Javalin would compress again at its default level.
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
        res.setHeader("Vary", "Accept-Encoding");
        if (gzip) {
            res.setHeader("Content-Encoding", "gzip");
        }
        try (OutputStream out = gzip ? new FastGzip(res.getOutputStream()) : new java.io.BufferedOutputStream(res.getOutputStream(), BUFFER)) {
            writer.write(out, registry.scrape());
            rendering.text().writeTo(out);
        }
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] coding = part.trim().split(";");
            if (coding[0].trim().equalsIgnoreCase("gzip")) {
                return coding.length < 2 || !coding[1].replace(" ", "").equals("q=0");
            }
        }
        return false;
    }

    /** gzip at {@link Deflater#BEST_SPEED}. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
