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
