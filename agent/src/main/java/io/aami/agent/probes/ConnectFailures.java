package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;
import java.io.IOException;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;

/**
 * Maps the JDK's socket exceptions to a reason. On Linux the JDK (sun.nio.ch Net.c) throws
 * ConnectException for ECONNREFUSED/ETIMEDOUT, NoRouteToHostException for EHOSTUNREACH,
 * BindException for EADDRINUSE/EADDRNOTAVAIL/EACCES, and a plain SocketException for the rest
 * (ENETUNREACH "Network is unreachable", EPERM); the strerror text is the message, so the message
 * decides first and the type is the fallback.
 */
final class ConnectFailures {
    private ConnectFailures() {
    }

    static ProbeReason reason(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof PortUnreachableException || m.contains("Connection refused") || m.contains("Connection reset")) {
            return ProbeReason.REFUSED;
        }
        if (m.contains("Network is unreachable")) {
            return ProbeReason.NO_ROUTE;
        }
        if (e instanceof NoRouteToHostException || m.contains("No route to host")) {
            return ProbeReason.HOST_UNREACHABLE;
        }
        if (m.contains("timed out")) {
            return ProbeReason.TIMEOUT;
        }
        // EACCES/EPERM on connect or send: a local firewall or policy refused the packet, so this host cannot get there.
        if (m.contains("Permission denied") || m.contains("Operation not permitted")) {
            return ProbeReason.NO_ROUTE;
        }
        if (e instanceof BindException || m.contains("Cannot assign requested address") || m.contains("Address already in use")) {
            return ProbeReason.BIND_ERROR;
        }
        if (e instanceof java.net.ConnectException) {
            return ProbeReason.REFUSED;
        }
        return ProbeReason.NO_ROUTE;
    }
}
