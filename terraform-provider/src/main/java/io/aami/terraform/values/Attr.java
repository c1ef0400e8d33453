package io.aami.terraform.values;

/**
 * One attribute of a schema. {@code computed} with {@code optional}: the operator may set it, else the
 * provider does; {@code computed} alone: only the provider sets it. {@code replace}: a change plans a
 * replacement (destroy, then create) rather than an update.
 */
public record Attr(String name, AttrType type, boolean required, boolean optional, boolean computed, boolean sensitive,
                   boolean replace, String description) {

    public static Attr required(String name, AttrType type, String description) {
        return new Attr(name, type, true, false, false, false, false, description);
    }

    public static Attr optional(String name, AttrType type, String description) {
        return new Attr(name, type, false, true, false, false, false, description);
    }

    /** Optional; when the operator leaves it out, the server's value (a default) is kept. */
    public static Attr optionalComputed(String name, AttrType type, String description) {
        return new Attr(name, type, false, true, true, false, false, description);
    }

    public static Attr computed(String name, AttrType type, String description) {
        return new Attr(name, type, false, false, true, false, false, description);
    }

    public Attr asSensitive() {
        return new Attr(name, type, required, optional, computed, true, replace, description);
    }

    /** A change to this attribute replaces the object. */
    public Attr forcesReplacement() {
        return new Attr(name, type, required, optional, computed, sensitive, true, description);
    }
}
