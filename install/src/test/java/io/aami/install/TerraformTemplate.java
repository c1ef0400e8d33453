package io.aami.install;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a template as Terraform's {@code templatefile()} does for the subset our templates use:
 * {@code ${name}} is the variable's value (an undefined one is an error, as in Terraform), {@code $${} is a
 * literal {@code ${}, {@code %%{} a literal {@code %{}. Any other {@code ${…}} expression or a {@code %{…}}
 * directive is refused rather than passed through, so a template that Terraform would read differently
 * fails here too.
 */
final class TerraformTemplate {
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private TerraformTemplate() {
    }

    /** The rendered text and the variables it used. */
    record Rendered(String text, Set<String> used) {
    }

    static Rendered render(String template, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        Set<String> used = new TreeSet<>();
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
                out.append(template.charAt(i)).append('{');
                i += 3;
            } else if (template.startsWith("${", i)) {
                int end = template.indexOf('}', i);
                String name = end < 0 ? "" : template.substring(i + 2, end).trim();
                Matcher m = VARIABLE.matcher(name);
                if (!m.matches()) {
                    throw new IllegalArgumentException("unsupported template expression at offset " + i + ": "
                            + template.substring(i, Math.min(template.length(), i + 40)));
                }
                if (!vars.containsKey(name)) {
                    throw new IllegalArgumentException("vars map does not contain key \"" + name + "\"");
                }
                out.append(vars.get(name));
                used.add(name);
                i = end + 1;
            } else if (template.startsWith("%{", i)) {
                throw new IllegalArgumentException("template directives (%{...}) are not supported here, at offset " + i);
            } else {
                out.append(template.charAt(i++));
            }
        }
        return new Rendered(out.toString(), used);
    }
}
