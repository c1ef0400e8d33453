package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The {@code http} object of an HTTP or HTTPS probe (policy definitions, scheduled probes, the agent's local API).
 * The destination stays the probe's {@code target} and {@code target_port}; the scheme is the protocol. Every field
 * is optional; {@link HttpProbeRules#normalized} fills the defaults and refuses what is out of bounds.
 *
 * @param method          GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS
 * @param path            the request target, {@code /} by default; may carry a query
 * @param expectedStatus  codes ({@code "200"}), classes ({@code "2xx"}) or ranges ({@code "200-399"}); default 2xx
 * @param bodyRegex       a regex the body's first 64 KiB must contain a match of
 * @param body            the request body (POST, PUT, PATCH)
 * @param headers         extra request headers; Host, Content-Length, Transfer-Encoding, Connection are the probe's own
 * @param followRedirects follow 301/302/303/307/308 to the same host (default false)
 * @param maxRedirects    how many redirects to follow at most (default 5)
 * @param caFile          PEM file of trusted CAs on the agent (HTTPS); absent: the system trust store
 * @param serverName      HTTPS: the name sent as SNI and verified in the certificate; both: the Host header
 * @param unknownKeys     keys this record does not know: refused by {@link HttpProbeRules} (the wire mapper ignores
 *                        unknown keys elsewhere, but a misspelt option here would silently probe something else)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpProbeOptions(String method, String path, List<String> expectedStatus, String bodyRegex, String body,
                               Map<String, String> headers, Boolean followRedirects, Integer maxRedirects, String caFile,
                               String serverName, @JsonAnySetter @JsonAnyGetter Map<String, Object> unknownKeys) {

    /** Options without unknown keys. */
    public HttpProbeOptions(String method, String path, List<String> expectedStatus, String bodyRegex, String body,
                            Map<String, String> headers, Boolean followRedirects, Integer maxRedirects, String caFile,
                            String serverName) {
        this(method, path, expectedStatus, bodyRegex, body, headers, followRedirects, maxRedirects, caFile, serverName,
                null);
    }

    /** All defaults: GET / expecting 2xx. */
    public static HttpProbeOptions defaults() {
        return new HttpProbeOptions(null, null, null, null, null, null, null, null, null, null);
    }
}
