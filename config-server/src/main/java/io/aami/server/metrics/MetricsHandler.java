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

    /**
     * RFC 9110 12.5.3: an explicit {@code gzip} (or {@code x-gzip}) entry wins over {@code *}; codings and the
     * {@code q} parameter are case-insensitive and q is a number, so {@code gzip;q=0.0} refuses. An unreadable q
     * counts as a refusal: plain text is always safe to send.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        double gzip = -1;
        double any = -1;
        for (String part : acceptEncoding.split(",")) {
            String[] coding = part.split(";");
            String name = coding[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("gzip") || name.equals("x-gzip")) {
                gzip = Math.max(gzip, quality(coding));
            } else if (name.equals("*")) {
                any = Math.max(any, quality(coding));
            }
        }
        double q = gzip >= 0 ? gzip : any;
        return q > 0;
    }

    private static double quality(String[] coding) {
        for (int i = 1; i < coding.length; i++) {
            String param = coding[i].trim();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("q")) {
                String value = param.substring(eq + 1).trim();
                if (!value.matches("[01](\\.[0-9]{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(value);
            }
        }
        return 1;
    }

    /** gzip at {@link Deflater#BEST_SPEED}. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
