package io.aami.server.console.checks;

import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.CheckView;
import io.aami.contract.groups.GroupView;
import io.aami.contract.policy.ProcessMatch;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the check form (create and edit) is drawn from: the check being edited (null for a new one; shown to
 * operators only, who may read its {@code env} values through the API anyway), the groups a scope may name and the
 * interpreters the server allows. Each control is named by its wire field, so the API's {@code field} finds it; a
 * process match's controls by their path ({@code process.name_regex}), which console.js nests back into an object.
 * A new check offers every kind (checks.js shows and enables the chosen kind's fields); an existing one offers its
 * own kind only and sends it back, so saving never turns a process or passive check into a script check.
 */
public record CheckForm(CheckView check, List<GroupView> groups, List<String> interpreters) {
    /** One control of a process match: its key under {@code process}, its label, and console.js's type for it. */
    public record ProcessField(String key, String label, boolean numeric) {
        /** console.js's {@code data-type}: null (a string, the attribute left out) or {@code number}. */
        public String type() {
            return numeric ? "number" : null;
        }

        public String inputMode() {
            return numeric ? "numeric" : null;
        }
    }

    // The API's keys (ProcessCheckRules.KEYS) in the order of the form.
    private static final List<ProcessField> PROCESS_FIELDS = List.of(
            new ProcessField("name_regex", "Process name regex", false),
            new ProcessField("exe_regex", "Executable path regex", false),
            new ProcessField("cmdline_regex", "Command line regex", false),
            new ProcessField("user", "User (name or uid)", false),
            new ProcessField("min_count", "At least this many processes", true),
            new ProcessField("max_count", "At most this many processes", true),
            new ProcessField("max_cpu_percent", "Per process at most CPU % (of one core)", true),
            new ProcessField("max_rss_bytes", "Per process at most resident bytes (RSS)", true),
            new ProcessField("max_open_files", "Per process at most open files", true),
            new ProcessField("max_threads", "Per process at most threads", true));

    public List<ProcessField> processFields() {
        return PROCESS_FIELDS;
    }

    /** The check's kind; a new check's form starts as a script check. */
    public String kind() {
        return check == null ? CheckKinds.SCRIPT : CheckKinds.of(check.kind());
    }

    /** Whether the form has the fields of {@code kind} at all: all kinds for a new check, its own for an existing one. */
    public boolean offers(String kind) {
        return check == null || kind().equals(kind);
    }

    /** Whether the fields of {@code kind} start hidden and disabled (so console.js does not send them). */
    public boolean off(String kind) {
        return !kind().equals(kind);
    }

    /** The process match's value for {@code key}, empty when unset or not a process check. */
    public String match(String key) {
        ProcessMatch p = check == null ? null : check.process();
        if (p == null) {
            return "";
        }
        Object v = switch (key) {
            case "name_regex" -> p.nameRegex();
            case "exe_regex" -> p.exeRegex();
            case "cmdline_regex" -> p.cmdlineRegex();
            case "user" -> p.user();
            case "min_count" -> p.minCount();
            case "max_count" -> p.maxCount();
            case "max_cpu_percent" -> p.maxCpuPercent();
            case "max_rss_bytes" -> p.maxRssBytes();
            case "max_open_files" -> p.maxOpenFiles();
            case "max_threads" -> p.maxThreads();
            default -> throw new IllegalArgumentException("no process key " + key);
        };
        return v == null ? "" : v.toString();
    }

    public boolean isNew() {
        return check == null;
    }

    public String scope() {
        return check == null ? "global" : check.scope();
    }

    public String name() {
        return check == null ? "" : check.name();
    }

    public String description() {
        return check == null ? "" : check.description();
    }

    public String interpreter() {
        return check == null || check.interpreter() == null ? "" : check.interpreter();
    }

    public String script() {
        return check == null || check.script() == null ? "" : check.script();
    }

    public String interval() {
        return check == null ? "60" : String.valueOf(check.intervalSeconds());
    }

    public String timeout() {
        return check == null ? "30" : String.valueOf(check.timeoutSeconds());
    }

    public String targetId() {
        return check == null || check.targetId() == null ? "" : check.targetId().toString();
    }

    public boolean inGroup(GroupView g) {
        return check != null && g.id().equals(check.groupId());
    }

    public boolean enabled() {
        return check == null || check.enabled();
    }

    /** One argument a line, as console.js's {@code lines} type reads them back. */
    public String args() {
        return check == null ? "" : String.join("\n", check.args());
    }

    /** {@code NAME=value} a line, as console.js's {@code map} type reads them back. */
    public String env() {
        return check == null ? "" : lines(check.env());
    }

    public String labels() {
        return check == null ? "" : lines(check.labels());
    }

    static String lines(Map<String, String> map) {
        return map == null ? "" : map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
