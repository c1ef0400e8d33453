package io.aami.agent.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.checks.CheckExecution;
import io.aami.agent.spool.SpoolRecord;
import io.aami.agent.transport.ServerTransport;
import io.aami.contract.discovery.DiscoveryReport;
import io.aami.contract.discovery.DiscoveryReportBatch;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ProbeReport;
import io.aami.contract.results.ProbeReportBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The glue between the spools and the wire: a finished check run or probe becomes the wire result
 * (numbered with the spool's seq) in the spool's payload, and spooled payloads become the batch the
 * server takes.
 */
final class WireRecords {
    private final ObjectMapper mapper;

    WireRecords(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    static CheckResult checkResult(long seq, CheckExecution e) {
        return new CheckResult(seq, e.checkId().toString(), e.status(), e.exitCode(), e.output(), e.truncated(), e.timedOut(),
                e.durationMs(), e.executedAt());
    }

    static ProbeReport probeReport(long seq, ProbeSpec spec, ProbeResult r) {
        return new ProbeReport(seq, spec.probeId(), spec.destinationTargetId(), spec.target(), r.targetIp(), r.targetPort(),
                r.protocol(), r.sourceIp(), r.sourcePort(), r.success(), r.reason(), r.dnsMs(), r.connectMs(), r.totalMs(),
                r.executedAt(), r.httpStatus(), r.tlsMs(), r.firstByteMs(), r.certNotAfter(), r.rttMs(), r.lossPercent());
    }

    /** Ships spooled check results as one {@link CheckResultBatch}. */
    ResultSender.Shipper checks(ServerTransport transport) {
        return (creds, epoch, records) -> transport.sendCheckResults(creds, new CheckResultBatch(epoch, read(records, CheckResult.class)));
    }

    /** Ships spooled probe reports as one {@link ProbeReportBatch}. */
    ResultSender.Shipper probes(ServerTransport transport) {
        return (creds, epoch, records) -> transport.sendProbeResults(creds, new ProbeReportBatch(epoch, read(records, ProbeReport.class)));
    }

    /** Ships spooled discovery reports as one {@link DiscoveryReportBatch}. */
    ResultSender.Shipper discovery(ServerTransport transport) {
        return (creds, epoch, records) -> transport.sendDiscovery(creds, new DiscoveryReportBatch(epoch, read(records, DiscoveryReport.class)));
    }

    byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> List<T> read(List<SpoolRecord> records, Class<T> type) {
        return records.stream().map(r -> read(r.payload(), type)).toList();
    }

    private <T> T read(byte[] payload, Class<T> type) {
        try {
            return mapper.readValue(payload, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable spooled " + type.getSimpleName(), e);
        }
    }
}
