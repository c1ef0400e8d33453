package io.aami.server.sd;

import io.javalin.http.Context;

/** HTTP for {@code GET /api/v1/sd/prometheus}: a JSON array, as Prometheus's {@code http_sd_configs} reads it. */
public final class SdHandler {
    private final SdService service;

    public SdHandler(SdService service) {
        this.service = service;
    }

    public void prometheus(Context ctx) {
        ctx.json(service.prometheusTargets());
    }
}
