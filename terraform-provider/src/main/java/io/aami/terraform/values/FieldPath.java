package io.aami.terraform.values;

import io.aami.terraform.proto.Tfplugin6.AttributePath;
import io.aami.terraform.proto.Tfplugin6.AttributePath.Step;

/**
 * The API's field path of a refused value ({@code http.expected_status[0]}, {@code http.headers.X-A},
 * {@code process.min_count}) as Terraform's attribute path through {@code schema}: a nested block or an attribute per
 * dotted name, {@code [i]} a list element, and everything after a map attribute's name the key (header names may hold
 * dots). A name the schema does not know ends the path there, so it still points at the nearest thing it names.
 */
public final class FieldPath {
    private FieldPath() {
    }

    public static AttributePath of(ObjectSchema schema, String field) {
        AttributePath.Builder path = AttributePath.newBuilder();
        ObjectSchema current = schema;
        String rest = field;
        while (current != null && rest != null && !rest.isEmpty()) {
            int dot = rest.indexOf('.');
            String segment = dot < 0 ? rest : rest.substring(0, dot);
            rest = dot < 0 ? null : rest.substring(dot + 1);
            Integer index = null;
            int bracket = segment.indexOf('[');
            if (bracket > 0 && segment.endsWith("]")) {
                index = Integer.valueOf(segment.substring(bracket + 1, segment.length() - 1));
                segment = segment.substring(0, bracket);
            }
            ObjectSchema next = block(current, segment);
            Attr attr = attr(current, segment);
            if (next == null && attr == null) {
                break;
            }
            path.addSteps(Step.newBuilder().setAttributeName(segment));
            if (index != null) {
                path.addSteps(Step.newBuilder().setElementKeyInt(index));
            }
            if (attr != null && attr.type() == AttrType.STRING_MAP && rest != null) {
                path.addSteps(Step.newBuilder().setElementKeyString(rest));
                break;
            }
            current = next;
        }
        return path.build();
    }

    private static ObjectSchema block(ObjectSchema s, String name) {
        return s.blocks().stream().filter(b -> b.name().equals(name)).map(ObjectSchema.Block::schema).findFirst().orElse(null);
    }

    private static Attr attr(ObjectSchema s, String name) {
        return s.attributes().stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }
}
