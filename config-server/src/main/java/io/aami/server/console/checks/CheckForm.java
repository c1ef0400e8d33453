package io.aami.server.console.checks;

import io.aami.contract.checks.CheckView;
import io.aami.contract.groups.GroupView;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the check form (create and edit) is drawn from: the check being edited (null for a new one; shown to
 * operators only, who may read its {@code env} values through the API anyway), the groups a scope may name and the
 * interpreters the server allows. Each control is named by its wire field, so the API's {@code field} finds it.
 */
public record CheckForm(CheckView check, List<GroupView> groups, List<String> interpreters) {
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
        return check == null ? "" : check.interpreter();
    }

    public String script() {
        return check == null ? "" : check.script();
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
