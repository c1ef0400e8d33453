package io.aami.server.http;

import io.aami.server.error.ApiException;
import io.aami.server.validation.Fields;
import io.javalin.http.Context;
import java.util.UUID;

/** Path and query parameters of a request, validated; each failure is a 400 that names the parameter. */
public final class Params {
    private Params() {
    }

    /** The {@code {id}} path parameter, a UUID. */
    public static UUID pathId(Context ctx) {
        return Fields.uuid("id", ctx.pathParam("id"));
    }

    /** An optional UUID query parameter. */
    public static UUID queryUuid(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : Fields.uuid(name, v);
    }

    /** An optional integer query parameter within {@code min..max}. */
    public static int queryInt(Context ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw ApiException.invalid(name, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "'" + v + "' is not a whole number");
        }
    }
}
