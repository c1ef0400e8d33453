package io.aami.server.metrics;

import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeReason;
import io.aami.server.results.Staleness;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Re-exports the latest connectivity results, one series set per (agent, probe, destination) the agent should probe.
 * <ul>
 *   <li>{@code aami_probe_success{agent_id,hostname,probe,target,target_port,protocol,target_agent_id}} 1/0;
 *   {@code target_agent_id} names the destination agent of a group-to-group probe (empty otherwise), so
 *   two members behind one address stay two series</li>
 *   <li>{@code aami_probe_duration_seconds{...}}: total probe time</li>
 *   <li>{@code aami_probe_failure_reason{...,reason}}: one-hot over the failure reasons (all 0 on success)</li>
 *   <li>{@code aami_probe_stale{...}}: for every destination each target should probe ({@link ProbeFleetStore}), from
 *       the moment it is assigned: 1 until its first result, when the agent is not online, or when the latest result
 *       was executed more than 2 × interval + timeout ago ({@link Staleness})</li>
 *   <li>{@code aami_probe_last_run_timestamp_seconds{...}}</li>
 *   <li>{@code aami_probe_http_status_code{...}}: HTTP(S) only, the latest response's status (absent when none came)</li>
 *   <li>{@code aami_probe_tls_cert_expiry_timestamp_seconds{...}}: HTTPS only, the not_after of the certificate the
 *       latest probe was shown (also when it refused it), so a certificate about to expire anywhere shows up from every
 *       agent that talks to it</li>
 *   <li>{@code aami_probe_icmp_loss_ratio{...}}: ICMP only, the share (0..1) of the latest probe's echoes unanswered</li>
 *   <li>{@code aami_probe_icmp_rtt_seconds{...}}: ICMP only, the latest probe's mean round trip (absent when no reply came)</li>
 * </ul>
 * The one-hot failure reasons are those the probe's protocol can end with ({@code ProbeReason.failureWireNames}).
 * All but {@code aami_probe_stale} only once the destination has a result (no invented values). Written straight
 * from the rows ({@link FleetText}), labels in client_java's order (sorted by name, {@code reason} among them).
 */
final class ProbeFleetCollector implements FleetSource {
    private final ProbeFleetStore store = new ProbeFleetStore();

    @Override
    public void render(Connection c, Instant now, FleetText out) throws SQLException {
        FleetText.Family success = out.family("aami_probe_success", "1 when the latest probe reached its destination, else 0");
        FleetText.Family duration = out.family("aami_probe_duration_seconds", "Total time of the latest probe");
        FleetText.Family reasons = out.family("aami_probe_failure_reason",
                "1 for the reason the latest probe failed (one-hot; all 0 on success)");
        FleetText.Family stale = out.family("aami_probe_stale", "1 when the assigned probe destination has no result yet, "
                + "its latest is too old to trust, or the agent is not online");
        FleetText.Family lastRun = out.family("aami_probe_last_run_timestamp_seconds", "Unix time of the latest probe");
        FleetText.Family httpStatus = out.family("aami_probe_http_status_code", "HTTP status of the latest HTTP(S) probe's response");
        FleetText.Family certExpiry = out.family("aami_probe_tls_cert_expiry_timestamp_seconds",
                "Unix time the server certificate seen by the latest HTTPS probe expires");
        FleetText.Family loss = out.family("aami_probe_icmp_loss_ratio", "Share of the latest ICMP probe's echo requests without reply");
        FleetText.Family rtt = out.family("aami_probe_icmp_rtt_seconds", "Mean round trip of the latest ICMP probe's echo replies");
        store.probes(c, r -> {
            // Sorted by name: agent_id, hostname, probe, protocol, [reason,] target, target_agent_id, target_port.
            String head = ExpositionBuffer.label("agent_id", r.agentId()) + "," + ExpositionBuffer.label("hostname", r.hostname())
                    + "," + ExpositionBuffer.label("probe", r.probe()) + "," + ExpositionBuffer.label("protocol", r.protocol()) + ",";
            String tail = ExpositionBuffer.label("target", r.target()) + "," + ExpositionBuffer.label("target_agent_id", r.targetAgentId())
                    + "," + ExpositionBuffer.label("target_port", Integer.toString(r.targetPort())) + "} ";
            byte[] labels = (head + tail).getBytes(StandardCharsets.UTF_8);
            boolean isStale = !r.reported() || Staleness.stale(r.online(), r.executedAt(), r.receivedAt(), r.intervalSeconds(),
                    Staleness.probeTimeoutSeconds(r.timeoutMs()), now);
            stale.sample(labels, isStale ? 1 : 0);
            if (!r.reported()) {
                return;
            }
            success.sample(labels, r.success() ? 1 : 0);
            duration.sample(labels, r.totalMs() / 1000.0);
            lastRun.sample(labels, r.executedAt().toEpochMilli() / 1000.0);
            if (r.httpStatus() != null) {
                httpStatus.sample(labels, r.httpStatus());
            }
            if (r.lossPercent() != null) {
                loss.sample(labels, r.lossPercent() / 100.0);
            }
            if (r.rttMs() != null) {
                rtt.sample(labels, r.rttMs() / 1000.0);
            }
            if (r.certNotAfter() != null) {
                certExpiry.sample(labels, r.certNotAfter().getEpochSecond());
            }
            for (String f : ProbeReason.failureWireNames(ProbeProtocol.parse(r.protocol()).orElse(ProbeProtocol.TCP))) {
                reasons.sample((head + ExpositionBuffer.label("reason", f) + "," + tail).getBytes(StandardCharsets.UTF_8),
                        f.equals(r.reason()) ? 1 : 0);
            }
        });
    }
}
