package io.aami.contract.probes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules of an {@link HttpProbeOptions} ({@link #check}), shared by the server's probe API and the agent (local API and scheduled
 * probes), so both refuse the same input with the same field path ({@code http.method}, {@code http.headers.X-A}…).
 * Everything is bounded: the options travel in every agent's signed policy, and the request the agent writes from
 * them must stay one well-formed HTTP/1.1 request (no CR, LF or NUL anywhere).
 */
public final class HttpProbeRules {
    /** Body bytes an agent reads (and body_regex sees); the probe ends there. */
    public static final int BODY_READ_LIMIT = 64 * 1024;
    /** Status line plus headers of a response. */
    public static final int RESPONSE_HEAD_LIMIT = 16 * 1024;
    public static final int MAX_PATH_LENGTH = 2_048;
    public static final int MAX_HEADERS = 32;
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    public static final int MAX_BODY_BYTES = 4 * 1024;
    public static final int MAX_BODY_REGEX_LENGTH = 1_024;
    public static final int MAX_EXPECTED_STATUS = 16;
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    public static final int MAX_REDIRECTS = 10;
    public static final int MAX_CA_FILE_LENGTH = 1_024;
    public static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** The problem of {@code http} options on a probe of another protocol. */
    public static final String HTTP_ONLY = "applies to HTTP and HTTPS probes only";
    /** Headers the probe writes itself: a user's value would make the request ambiguous (smuggling) or lie. */
    public static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
            "te", "upgrade", "trailer", "keep-alive", "proxy-connection");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");
    private static final Pattern STATUS = Pattern.compile("([1-5])(?:([0-9]{2})|xx|XX)|([1-5][0-9]{2})-([1-5][0-9]{2})");

    /**
     * The outcome of {@link #check}: the normalized options, or the refused option's {@code field} path from the
     * probe ({@code http.path}) and the {@code problem}.
     */
    public record Result(HttpProbeOptions options, String field, String problem) {
        public boolean valid() {
            return field == null;
        }
    }

    private HttpProbeRules() {
    }

    /**
     * {@code options} with every default filled in, or the first refused option. {@code protocol} is HTTP or HTTPS;
     * null options are the defaults. TLS-only options on an HTTP probe are refused rather than ignored.
     */
    public static Result check(HttpProbeOptions options, ProbeProtocol protocol) {
        try {
            return new Result(normalized(options, protocol), null, null);
        } catch (IllegalArgumentException e) {
            // "field: problem"; a field path never holds ": " (header names are tokens).
            int at = e.getMessage().indexOf(": ");
            return new Result(null, e.getMessage().substring(0, at), e.getMessage().substring(at + 2));
        }
    }

    /** {@link #check}'s options; IllegalArgumentException "field: problem" when refused. */
    public static HttpProbeOptions normalized(HttpProbeOptions options, ProbeProtocol protocol) {
        HttpProbeOptions o = options == null ? HttpProbeOptions.defaults() : options;
        if (o.unknownKeys() != null && !o.unknownKeys().isEmpty()) {
            String key = o.unknownKeys().keySet().iterator().next();
            throw invalid("http." + key, "unknown key; known: method, path, expected_status, body_regex, body, headers, "
                    + "follow_redirects, max_redirects, ca_file, server_name");
        }
        String method = method(o.method());
        String body = body(o.body(), method);
        boolean follow = Boolean.TRUE.equals(o.followRedirects());
        Integer maxRedirects = o.maxRedirects();
        if (maxRedirects != null && (maxRedirects < 1 || maxRedirects > MAX_REDIRECTS)) {
            throw invalid("http.max_redirects", "must be between 1 and " + MAX_REDIRECTS);
        }
        if (maxRedirects != null && !follow) {
            throw invalid("http.max_redirects", "applies only with follow_redirects: true");
        }
        if (protocol != ProbeProtocol.HTTPS && o.caFile() != null) {
            throw invalid("http.ca_file", "applies to HTTPS probes only");
        }
        return new HttpProbeOptions(method, path(o.path()), expected(o.expectedStatus()), bodyRegex(o.bodyRegex()), body,
                headers(o.headers()), follow, follow ? (maxRedirects == null ? DEFAULT_MAX_REDIRECTS : maxRedirects) : null,
                caFile(o.caFile()), serverName(o.serverName()));
    }

    /** Whether {@code status} is one of {@code expected} (normalized entries; empty or null means 2xx). */
    public static boolean expected(List<String> expected, int status) {
        for (String e : expected == null || expected.isEmpty() ? List.of("2xx") : expected) {
            int dash = e.indexOf('-');
            if (dash > 0 ? status >= Integer.parseInt(e.substring(0, dash)) && status <= Integer.parseInt(e.substring(dash + 1))
                    : e.endsWith("xx") ? status / 100 == e.charAt(0) - '0' : status == Integer.parseInt(e)) {
                return true;
            }
        }
        return false;
    }

    private static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }

    private static String method(String raw) {
        if (raw == null) {
            return "GET";
        }
        String m = raw.trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw invalid("http.method", "must be one of " + String.join(", ", METHODS));
        }
        return m;
    }

    private static String body(String body, String method) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        if (!Set.of("POST", "PUT", "PATCH").contains(method)) {
            throw invalid("http.body", "applies to POST, PUT and PATCH only");
        }
        if (body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw invalid("http.body", "must be at most " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    private static String path(String raw) {
        if (raw == null) {
            return "/";
        }
        if (raw.length() > MAX_PATH_LENGTH || !PATH.matcher(raw).matches()) {
            throw invalid("http.path", "must start with / and be at most " + MAX_PATH_LENGTH
                    + " printable ASCII characters without spaces (percent-encode the rest)");
        }
        return raw;
    }

    private static List<String> expected(List<String> raw) {
        if (raw == null) {
            return List.of("2xx");
        }
        if (raw.isEmpty() || raw.size() > MAX_EXPECTED_STATUS) {
            throw invalid("http.expected_status", "must list 1 to " + MAX_EXPECTED_STATUS + " codes, classes or ranges");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String e = raw.get(i) == null ? "" : raw.get(i).trim();
            var m = STATUS.matcher(e);
            if (!m.matches() || m.group(3) != null && Integer.parseInt(m.group(3)) > Integer.parseInt(m.group(4))) {
                throw invalid("http.expected_status[" + i + "]", "must be a code (200), a class (2xx) or a range "
                        + "(200-299) within 100-599");
            }
            out.add(e.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    private static String bodyRegex(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > MAX_BODY_REGEX_LENGTH) {
            throw invalid("http.body_regex", "must be at most " + MAX_BODY_REGEX_LENGTH + " characters");
        }
        try {
            Pattern.compile(raw);
        } catch (PatternSyntaxException e) {
            throw invalid("http.body_regex", "is not a valid regular expression: " + e.getDescription());
        }
        return raw;
    }

    private static Map<String, String> headers(Map<String, String> raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        if (raw.size() > MAX_HEADERS) {
            throw invalid("http.headers", "at most " + MAX_HEADERS + " headers");
        }
        int bytes = 0;
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : new java.util.TreeMap<>(raw).entrySet()) {
            String name = e.getKey();
            String field = "http.headers." + name;
            if (name == null || !TOKEN.matcher(name).matches()) {
                throw invalid("http.headers", "a header name must be an HTTP token of at most 128 characters");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw invalid(field, "is written by the probe itself" + ("host".equalsIgnoreCase(name)
                        ? "; set server_name to choose the Host header" : ""));
            }
            String value = e.getValue() == null ? "" : e.getValue();
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if (ch != '\t' && (ch < 0x20 || ch == 0x7f || ch > 0x7e)) {
                    throw invalid(field, "must be printable ASCII (no CR, LF or other control characters)");
                }
            }
            bytes += name.length() + value.length() + 4;
            if (bytes > MAX_HEADER_BYTES) {
                throw invalid("http.headers", "at most " + MAX_HEADER_BYTES + " bytes of headers in all");
            }
            out.put(name, value.strip());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static String caFile(String raw) {
        if (raw == null) {
            return null;
        }
        if (raw.isEmpty() || raw.length() > MAX_CA_FILE_LENGTH || raw.charAt(0) != '/' || raw.chars().anyMatch(ch -> ch < 0x20)) {
            throw invalid("http.ca_file", "must be an absolute path on the agent (at most " + MAX_CA_FILE_LENGTH
                    + " characters, no control characters)");
        }
        return raw;
    }

    private static String serverName(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim();
        if (!HOST.matcher(s).matches() || s.matches("[0-9.]+")) {
            throw invalid("http.server_name", "must be a DNS host name (not an address)");
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
