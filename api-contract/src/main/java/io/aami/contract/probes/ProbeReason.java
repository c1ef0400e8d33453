package io.aami.contract.probes;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why a probe ended as it did; {@link #wire()} is the {@code reason} of a result and the
 * {@code reason} label of the exported failure series. Only {@link #OK} is a success.
 */
public enum ProbeReason {
    /** TCP handshake completed, or a UDP reply arrived (and contained {@code expect}), or UDP silence with udp_no_reply_ok. */
    OK("ok"),
    /** TCP RST to the SYN, or an ICMP port unreachable for UDP. */
    REFUSED("refused"),
    /** No answer within timeout_ms. */
    TIMEOUT("timeout"),
    /** The host has no route to the target network (ENETUNREACH), or a local policy refused the send. */
    NO_ROUTE("no_route"),
    /** The target host is unreachable (EHOSTUNREACH: ICMP host unreachable, failed neighbour resolution). */
    HOST_UNREACHABLE("host_unreachable"),
    /** The target name did not resolve (in time, or to an address of the source's family). */
    DNS_ERROR("dns_error"),
    /** The source address is not local or the source port is in use (or no local socket could be made). */
    BIND_ERROR("bind_error"),
    /** The probe itself is invalid, or a UDP reply did not contain the expected bytes. */
    INVALID("invalid"),
    /** HTTP(S): the response's status code is not among the expected ones. */
    HTTP_STATUS("http_status"),
    /** HTTP(S): the body (its first {@link HttpProbeRules#BODY_READ_LIMIT} bytes) does not match body_regex. */
    BODY_MISMATCH("body_mismatch"),
    /** HTTPS: the TLS handshake failed (untrusted chain, protocol or cipher mismatch, unreadable CA file). */
    TLS_ERROR("tls_error"),
    /** HTTPS: the server's certificate is past its not_after (or not yet valid). */
    CERTIFICATE_EXPIRED("certificate_expired"),
    /** HTTPS: the certificate does not name server_name (or the target). */
    HOSTNAME_MISMATCH("hostname_mismatch"),
    /** HTTP(S): a redirect led back to a URL already visited, or past max_redirects. */
    REDIRECT_LOOP("redirect_loop"),
    /** HTTP(S): the answer is not HTTP/1.x (bad status line, headers past the limit, broken chunks) or ended early. */
    HTTP_ERROR("http_error"),
    /**
     * ICMP: this host lets the agent open neither an unprivileged ICMP ("ping") socket ({@code net.ipv4.ping_group_range})
     * nor a raw socket (CAP_NET_RAW), so no echo could be sent.
     */
    NOT_PERMITTED("not_permitted");

    /** Every wire name, {@code ok} first. */
    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(ProbeReason::wire).toList();
    /** The wire names of the failures: every reason but {@code ok}. */
    public static final List<String> FAILURE_WIRE_NAMES = WIRE_NAMES.subList(1, WIRE_NAMES.size());

    /** refused … invalid: every probe can end with these. */
    private static final List<String> TRANSPORT_FAILURES = FAILURE_WIRE_NAMES.subList(0, INVALID.ordinal());
    private static final List<String> HTTP_FAILURES = List.of(HTTP_STATUS.wire, BODY_MISMATCH.wire, REDIRECT_LOOP.wire,
            HTTP_ERROR.wire);
    /** An echo has no port to refuse, but may be not permitted on this host. */
    private static final List<String> ICMP_FAILURES = List.of(NOT_PERMITTED.wire);
    private static final List<String> TLS_FAILURES = List.of(TLS_ERROR.wire, CERTIFICATE_EXPIRED.wire, HOSTNAME_MISMATCH.wire);

    private final String wire;

    /**
     * The failure reasons a probe of {@code protocol} can end with, in declaration order: the one-hot failure
     * series of a TCP or UDP probe are not multiplied by reasons only HTTP(S) can have.
     */
    public static List<String> failureWireNames(ProbeProtocol protocol) {
        return BY_PROTOCOL.get(protocol == null ? ProbeProtocol.DEFAULT : protocol);
    }

    private static final java.util.Map<ProbeProtocol, List<String>> BY_PROTOCOL = byProtocol();

    private static java.util.Map<ProbeProtocol, List<String>> byProtocol() {
        java.util.Map<ProbeProtocol, List<String>> map = new java.util.EnumMap<>(ProbeProtocol.class);
        for (ProbeProtocol p : ProbeProtocol.values()) {
            map.put(p, failures(p));
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private static List<String> failures(ProbeProtocol protocol) {
        List<String> out = new java.util.ArrayList<>(TRANSPORT_FAILURES);
        if (protocol != null && protocol.http()) {
            out.addAll(HTTP_FAILURES);
        }
        if (protocol == ProbeProtocol.HTTPS) {
            out.addAll(TLS_FAILURES);
        }
        if (protocol == ProbeProtocol.ICMP) {
            out.remove(REFUSED.wire);
            out.addAll(ICMP_FAILURES);
        }
        out.sort(java.util.Comparator.comparingInt(w -> fromWire(w).orElseThrow().ordinal()));
        return List.copyOf(out);
    }

    ProbeReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean success() {
        return this == OK;
    }

    /** The reason whose wire name is exactly {@code wire}, or empty. */
    public static Optional<ProbeReason> fromWire(String wire) {
        int i = wire == null ? -1 : WIRE_NAMES.indexOf(wire);
        return i < 0 ? Optional.empty() : Optional.of(values()[i]);
    }
}
