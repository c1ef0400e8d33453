package io.aami.terraform.resources;

import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.ProcessCheckRules;
import io.aami.contract.policy.ProcessMatch;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code aami_check}'s {@code process} block (kind process): api-contract's {@link ProcessMatch}, judged by {@link ProcessCheckRules}. */
final class ProcessBlock implements OptionBlock {
    static final ObjectSchema.Block BLOCK = new ObjectSchema.Block("process", new ObjectSchema(
            "What a process check (kind = \"process\") looks for: at least one of the regexes or user; a null bound is not checked.",
            List.of(
            Attr.optional("name_regex", AttrType.STRING, "A regex found in the process name (/proc/<pid>/comm)."),
            Attr.optional("exe_regex", AttrType.STRING, "A regex found in the executable's path."),
            Attr.optional("cmdline_regex", AttrType.STRING, "A regex found in the command line (NULs as spaces)."),
            Attr.optional("user", AttrType.STRING, "The processes' real user: a name or a numeric uid."),
            Attr.optional("min_count", AttrType.NUMBER, "At least this many matching processes (1 without bounds)."),
            Attr.optional("max_count", AttrType.NUMBER, "At most this many matching processes."),
            Attr.optional("max_cpu_percent", AttrType.NUMBER, "CPU of one matching process, in percent of one core."),
            Attr.optional("max_rss_bytes", AttrType.NUMBER, "Resident memory of one matching process."),
            Attr.optional("max_open_files", AttrType.NUMBER, "Open file descriptors of one matching process."),
            Attr.optional("max_threads", AttrType.NUMBER, "Threads of one matching process."))));

    @Override
    public ObjectSchema.Block block() {
        return BLOCK;
    }

    @Override
    public Map<String, Object> normalized(Map<String, Object> raw, Map<String, Object> resource) {
        if (!CheckKinds.PROCESS.equals(BlockValues.str(resource, "kind"))) {
            return null;
        }
        ProcessCheckRules.Result r = ProcessCheckRules.check(raw == null ? null : BlockValues.body(raw));
        return r.valid() ? values(r.match()) : null;
    }

    @Override
    public void validate(Map<String, Object> raw, Map<String, Object> config, Diags diags) {
        Object kind = config.get("kind");
        if (kind != null && !(kind instanceof String)) {
            return; // unknown until apply
        }
        if (!CheckKinds.PROCESS.equals(CheckKinds.of((String) kind))) {
            if (raw != null) {
                BlockValues.refuse(BLOCK, "process", ProcessCheckRules.ONLY_PROCESS_CHECKS, diags);
            }
            return;
        }
        if (BlockValues.known(raw)) {
            ProcessCheckRules.Result r = ProcessCheckRules.check(raw == null ? null : BlockValues.body(raw));
            if (!r.valid()) {
                BlockValues.refuse(BLOCK, r.field(), r.problem(), diags);
            }
        }
    }

    private static Map<String, Object> values(ProcessMatch m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name_regex", m.nameRegex());
        out.put("exe_regex", m.exeRegex());
        out.put("cmdline_regex", m.cmdlineRegex());
        out.put("user", m.user());
        out.put("min_count", BlockValues.number(m.minCount()));
        out.put("max_count", BlockValues.number(m.maxCount()));
        out.put("max_cpu_percent", BlockValues.number(m.maxCpuPercent()));
        out.put("max_rss_bytes", m.maxRssBytes());
        out.put("max_open_files", BlockValues.number(m.maxOpenFiles()));
        out.put("max_threads", BlockValues.number(m.maxThreads()));
        return out;
    }
}
