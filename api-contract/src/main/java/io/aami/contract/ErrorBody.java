package io.aami.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every error response: a sentence for people, a stable code for programs, and the offending
 * request field when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String code, String field) {
    public ErrorBody(String error, String code) {
        this(error, code, null);
    }
}
