package io.aami.contract.heartbeat;

import java.time.Instant;

/** The server's clock (so an agent can notice skew) and the interval it expects heartbeats at. */
public record HeartbeatResponse(Instant serverTime, int heartbeatIntervalSeconds) {
}
