package io.aami.server.console;

import io.aami.contract.ErrorCode;
import java.util.Map;

/**
 * What the error page shows for a console page that could not be answered: a title by status, the API's own message
 * (and the field it names), its machine code in {@code data-error-code} (for scripts and tests), and a way on: the
 * list of the section the page was in, or the overview.
 */
public record ErrorPage(Page page, ErrorCode code, String message, String field, String back, String backLabel) {
    private static final Map<Integer, String> TITLES = Map.of(400, "Not a valid request", 403, "Not allowed",
            404, "Not found", 409, "Conflict", 429, "Too many requests", 503, "Unavailable for a moment");

    public int status() {
        return code.status();
    }

    public String title() {
        return TITLES.getOrDefault(code.status(), code.status() >= 500 ? "Something went wrong" : "Not a valid request");
    }
}
