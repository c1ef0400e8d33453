package io.aami.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The console's static files, read once from the jar ({@code /console/assets/}): only the names listed here are
 * served, so no path can reach any other resource. Each with its type.
 */
final class Assets {
    record Asset(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> TYPES = Map.of(
            "console.css", "text/css; charset=utf-8",
            "login.js", "text/javascript; charset=utf-8",
            "overview.js", "text/javascript; charset=utf-8");

    private final Map<String, Asset> assets;

    Assets() {
        Map<String, Asset> loaded = new java.util.HashMap<>();
        TYPES.forEach((name, type) -> loaded.put(name, new Asset(read(name), type)));
        assets = Map.copyOf(loaded);
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getResourceAsStream("/console/assets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
