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
    INVALID("invalid");

    /** Every wire name, {@code ok} first. */
    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(ProbeReason::wire).toList();
    /** The wire names of the failures: every reason but {@code ok}. */
    public static final List<String> FAILURE_WIRE_NAMES = WIRE_NAMES.subList(1, WIRE_NAMES.size());

    private final String wire;

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
