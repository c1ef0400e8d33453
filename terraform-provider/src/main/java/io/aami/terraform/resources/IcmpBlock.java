package io.aami.terraform.resources;

import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.IcmpProbeRules;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Conv;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code aami_probe}'s {@code icmp} block: api-contract's {@link IcmpProbeOptions}, judged by {@link IcmpProbeRules}. */
final class IcmpBlock implements OptionBlock {
    static final ObjectSchema.Block BLOCK = new ObjectSchema.Block("icmp", new ObjectSchema(
            "ICMP probe options (protocol icmp); both optional.", List.of(
            Attr.optional("count", AttrType.NUMBER, "Echo requests per run: 1 (default) to 100; the loss percentage is over these."),
            Attr.optional("interval_ms", AttrType.NUMBER, "Milliseconds between two echo requests: 10 to 10000, 1000 by default."))));

    @Override
    public ObjectSchema.Block block() {
        return BLOCK;
    }

    @Override
    public Map<String, Object> normalized(Map<String, Object> raw, Map<String, Object> resource) {
        if (ProbeResource.protocolOf(resource) != ProbeProtocol.ICMP) {
            return null;
        }
        Long timeout = Conv.num(resource, "timeout_ms");
        IcmpProbeRules.Result r = IcmpProbeRules.check(options(raw), timeout == null ? ProbeLimits.DEFAULT_TIMEOUT_MS : timeout.intValue());
        if (!r.valid()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", BlockValues.number(r.options().count()));
        out.put("interval_ms", BlockValues.number(r.options().intervalMs()));
        return out;
    }

    @Override
    public void validate(Map<String, Object> raw, Map<String, Object> config, Diags diags) {
        ProbeProtocol protocol = ProbeResource.protocolOf(config);
        if (protocol == null) {
            return;
        }
        if (protocol != ProbeProtocol.ICMP) {
            if (raw != null) {
                BlockValues.refuse(BLOCK, "icmp", IcmpProbeRules.ICMP_ONLY, diags);
            }
            return;
        }
        Object timeout = config.get("timeout_ms");
        Object interval = config.get("interval_seconds");
        if (!BlockValues.known(raw) || !Conv.isKnown(timeout) || !BlockValues.wholeNumbers(raw, BLOCK, diags)) {
            return;
        }
        int timeoutMs = timeout instanceof Number n ? clamp(n.longValue()) : ProbeLimits.DEFAULT_TIMEOUT_MS;
        // The span within the interval only when the interval itself is known and valid (else it is its own error).
        IcmpProbeRules.Result r = interval instanceof Number n && n.longValue() >= 1 && n.longValue() <= ProbeLimits.MAX_INTERVAL_SECONDS
                ? IcmpProbeRules.check(options(raw), timeoutMs, n.intValue()) : IcmpProbeRules.check(options(raw), timeoutMs);
        if (!r.valid()) {
            BlockValues.refuse(BLOCK, r.field(), r.problem(), diags);
        }
    }

    private static int clamp(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static IcmpProbeOptions options(Map<String, Object> raw) {
        return raw == null ? null : new IcmpProbeOptions(BlockValues.integer(raw, "count"), BlockValues.integer(raw, "interval_ms"));
    }
}
