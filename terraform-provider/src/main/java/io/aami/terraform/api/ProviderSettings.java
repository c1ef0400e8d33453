package io.aami.terraform.api;

import io.aami.terraform.values.Diags;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The provider block: {@code address}, {@code ca_cert_sha256} (the CA pin, as agents take it) or
 * {@code ca_file}, and {@code token} (a user's API token, or the admin token); each from
 * {@code AAMI_ADDRESS}, {@code AAMI_CA_CERT_SHA256}, {@code AAMI_CA_FILE}, {@code AAMI_TOKEN} when the
 * block leaves it out.
 */
public record ProviderSettings(String address, String caSha256, String caFile, String token) {
    public static final Map<String, String> ENV = Map.of("address", "AAMI_ADDRESS", "ca_cert_sha256", "AAMI_CA_CERT_SHA256",
            "ca_file", "AAMI_CA_FILE", "token", "AAMI_TOKEN");

    /** The block's values over the environment's; problems go to {@code diags} with the attribute named. */
    public static ProviderSettings resolve(Map<String, Object> config, Function<String, String> env, Diags diags) {
        String address = pick(config, env, "address");
        String pin = pick(config, env, "ca_cert_sha256");
        String caFile = pick(config, env, "ca_file");
        String token = pick(config, env, "token");
        if (address == null) {
            diags.error("address", "aami address missing",
                    "set address in the provider block or AAMI_ADDRESS, e.g. https://config.example.com:8443");
        } else if (!address.startsWith("https://") && !address.startsWith("http://")) {
            diags.error("address", "invalid aami address", "'" + address + "' must start with https:// or http://");
        }
        if (token == null) {
            diags.error("token", "aami token missing", "set token in the provider block or AAMI_TOKEN (an API token)");
        }
        if (pin != null) {
            String p = normalizePin(pin);
            if (p == null) {
                diags.error("ca_cert_sha256", "invalid CA pin",
                        "must be the 64 hex digits of the CA certificate's SHA-256, optionally prefixed with 'sha256:' and separated by colons");
            }
            pin = p;
        }
        if (pin != null && caFile != null) {
            diags.error("ca_file", "conflicting CA settings", "set ca_cert_sha256 or ca_file, not both");
        }
        return new ProviderSettings(address == null ? null : stripSlash(address), pin, caFile, token);
    }

    /** The same settings with a relative {@code ca_file} read from {@code dir} (the Terraform run's directory). */
    public ProviderSettings relativeTo(Path dir) {
        return caFile == null ? this : new ProviderSettings(address, caSha256, dir.resolve(caFile).toString(), token);
    }

    private static String pick(Map<String, Object> config, Function<String, String> env, String name) {
        Object v = config == null ? null : config.get(name);
        if (v instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        String e = env.apply(ENV.get(name));
        return e == null || e.isBlank() ? null : e.trim();
    }

    private static String stripSlash(String a) {
        return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    }

    /** Lowercase hex without prefix or colons, or null when it is not 64 hex digits. */
    static String normalizePin(String pin) {
        String p = pin.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("sha256:")) {
            p = p.substring("sha256:".length());
        }
        p = p.replace(":", "");
        return p.matches("[0-9a-f]{64}") ? p : null;
    }
}
