package io.aami.terraform.values;

import io.aami.terraform.proto.Tfplugin6.AttributePath;
import io.aami.terraform.proto.Tfplugin6.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** The diagnostics of one call: errors and warnings, each optionally naming the attribute it is about. */
public final class Diags {
    private final List<Diagnostic> list = new ArrayList<>();

    public void error(String summary, String detail) {
        add(Diagnostic.Severity.ERROR, summary, detail, null);
    }

    /** An error about {@code attribute} (Terraform shows the configuration line). */
    public void error(String attribute, String summary, String detail) {
        add(Diagnostic.Severity.ERROR, summary, detail, attribute);
    }

    /** An error about the value at {@code path} (an attribute of a nested block, a list element, a map key). */
    public void error(AttributePath path, String summary, String detail) {
        list.add(Diagnostic.newBuilder().setSeverity(Diagnostic.Severity.ERROR).setSummary(summary).setDetail(detail)
                .setAttribute(path).build());
    }

    public void warning(String attribute, String summary, String detail) {
        add(Diagnostic.Severity.WARNING, summary, detail, attribute);
    }

    private void add(Diagnostic.Severity severity, String summary, String detail, String attribute) {
        Diagnostic.Builder b = Diagnostic.newBuilder().setSeverity(severity).setSummary(summary);
        if (detail != null) {
            b.setDetail(detail);
        }
        if (attribute != null) {
            b.setAttribute(path(attribute));
        }
        list.add(b.build());
    }

    public static AttributePath path(String attribute) {
        return AttributePath.newBuilder().addSteps(AttributePath.Step.newBuilder().setAttributeName(attribute)).build();
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(d -> d.getSeverity() == Diagnostic.Severity.ERROR);
    }

    public List<Diagnostic> all() {
        return list;
    }
}
