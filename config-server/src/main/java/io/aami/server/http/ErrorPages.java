package io.aami.server.http;

import io.aami.server.error.ApiException;
import io.javalin.http.Context;

/**
 * How a refused console page request is answered for a browser: as a page in the console's frame rather than the API's
 * JSON error body. {@link ErrorMapper} asks it for every error on a page request ({@link ConsolePages#isPage}) after the
 * status, headers and {@code Retry-After} are set; the console feature supplies it (this package cannot reach the
 * templates without a cycle).
 */
@FunctionalInterface
public interface ErrorPages {
    /**
     * Writes the page for {@code e} as the answer's body, keeping the status already set; false when it could not (the
     * caller then writes the JSON body).
     */
    boolean render(Context ctx, ApiException e);
}
