package io.aami.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.config.ServerConfig;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;

/** Builds the Javalin/Jetty server: JSON mapper, limits, access filter, error mapping, routes. */
public final class ApiServer {
    private ApiServer() {
    }

    public static Javalin create(ServerConfig cfg, ObjectMapper mapper, Routes routes, AccessFilter access, ErrorMapper errors) {
        boolean virtualThreads = Runtime.version().feature() >= 21;
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = virtualThreads;
            config.jsonMapper(new JavalinJackson(mapper, virtualThreads));
            config.http.maxRequestSize = cfg.http().maxBodyBytes();
            config.http.generateEtags = false;
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            config.jetty.host = cfg.listen().host();
            config.jetty.port = cfg.listen().port();
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.routes.before(RequestIds::assign);
            config.routes.beforeMatched(access::check);
            errors.register(config.routes);
            routes.register(config.routes);
        });
    }
}
