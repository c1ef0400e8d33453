package io.aami.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The console's static files, read once from the jar: only the names listed here are served, so no path can reach
 * any other resource. Each is served under a name carrying the first 12 hex digits of its SHA-256
 * ({@code console.3f0c…e1.css}), so a page can let browsers keep it for a year: a new build is a new name. The plain
 * name still answers (briefly cached) for anything that cannot know the hash.
 *
 * <p>Vendored libraries come from their webjar on the classpath (uPlot 1.6.30, MIT) rather than a copy in the tree,
 * except Cytoscape.js 3.35.0 (MIT; no webjar of it in the build's repository): its minified file as npm ships it, with
 * its licence, under {@code console/vendor}.
 */
final class Assets {
    record Asset(byte[] bytes, String contentType, boolean hashed) {
    }

    /** Console name → classpath resource. A page asks for a console name through {@link #url}. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            own("console.css"), own("console.js"), own("login.js"), own("overview.js"),
            own("secret.js"),
            own("targets.js"), own("target.js"),
            own("checks.js"),
            own("dependencies.js"),
            Map.entry("cytoscape.js", "/console/vendor/cytoscape-3.35.0.min.js"),
            Map.entry("uplot.js", "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"),
            Map.entry("uplot.css", "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css"));

    private final Map<String, Asset> byRequestName;
    private final Map<String, String> urls;

    Assets() {
        Map<String, Asset> served = new HashMap<>();
        Map<String, String> hashedUrls = new HashMap<>();
        SOURCES.forEach((name, resource) -> {
            byte[] bytes = read(resource);
            String type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            String hashedName = hashedName(name, bytes);
            served.put(name, new Asset(bytes, type, false));
            served.put(hashedName, new Asset(bytes, type, true));
            hashedUrls.put(name, "/ui/assets/" + hashedName);
        });
        byRequestName = Map.copyOf(served);
        urls = Map.copyOf(hashedUrls);
    }

    Optional<Asset> get(String requestName) {
        return Optional.ofNullable(byRequestName.get(requestName));
    }

    /** The URL a page links {@code name} by; an unknown name is a programming error, found by the first render. */
    String url(String name) {
        String url = urls.get(name);
        if (url == null) {
            throw new IllegalArgumentException("no console asset named " + name);
        }
        return url;
    }

    private static Map.Entry<String, String> own(String name) {
        return Map.entry(name, "/console/assets/" + name);
    }

    static String hashedName(String name, byte[] bytes) {
        int dot = name.lastIndexOf('.');
        return name.substring(0, dot) + "." + HexFormat.of().formatHex(sha256(bytes), 0, 6) + name.substring(dot);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the jar: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
