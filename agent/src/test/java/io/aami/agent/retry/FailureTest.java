package io.aami.agent.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.transport.TransportException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureTest {
    @ParameterizedTest(name = "{0} {1} retry-after={2}s -> {3}")
    @CsvSource(nullValues = "-", value = {
            // no answer at all: refused, timed out, TLS failure
            "0,   UNREACHABLE,            -,  TRANSIENT",
            "0,   UNREACHABLE,            5,  RETRY_AFTER",
            "500, INTERNAL,               -,  TRANSIENT",
            "502, HTTP_502,               -,  TRANSIENT",
            "503, SERVER_BUSY,            -,  TRANSIENT",
            "503, DATABASE_UNAVAILABLE,   30, RETRY_AFTER",
            "429, RATE_LIMITED,           -,  TRANSIENT",
            "429, RATE_LIMITED,           7,  RETRY_AFTER",
            "408, REQUEST_TIMEOUT,        -,  TRANSIENT",
            // the agent's own credential
            "401, UNAUTHORIZED,           -,  CREDENTIAL_REJECTED",
            "401, UNAUTHORIZED,           9,  CREDENTIAL_REJECTED",
            "401, CERTIFICATE_SUPERSEDED, -,  CREDENTIAL_REJECTED",
            // a 401 without our error body (a proxy, a newer server's code): the status decides
            "401, HTTP_401,               -,  CREDENTIAL_REJECTED",
            "401, SOMETHING_NEWER,        -,  CREDENTIAL_REJECTED",
            // every 401 counts, as before the one retry helper (the loops' routes answer no other 401 codes)
            "401, TOKEN_UNKNOWN,          -,  CREDENTIAL_REJECTED",
            "401, TOKEN_EXPIRED,          -,  CREDENTIAL_REJECTED",
            "401, TOKEN_REVOKED,          -,  CREDENTIAL_REJECTED",
            "401, TOKEN_EXHAUSTED,        -,  CREDENTIAL_REJECTED",
            // refusals of the request, not of who made it; revocation refuses for good and re-enrolling would not help
            "403, AGENT_REVOKED,          -,  PERMANENT",
            "403, FORBIDDEN,              -,  PERMANENT",
            "403, GROUP_MISMATCH,         -,  PERMANENT",
            "403, HTTP_403,               -,  PERMANENT",
            "400, VALIDATION_FAILED,      -,  PERMANENT",
            "404, NOT_FOUND,              5,  PERMANENT",
            "409, AGENT_ID_RETIRED,       -,  PERMANENT",
            "413, PAYLOAD_TOO_LARGE,      -,  PERMANENT",
            "200, BAD_RESPONSE,           -,  PERMANENT",
    })
    void classifiesEveryFailureOnce(int status, String code, Long retryAfterSeconds, Failure expected) {
        TransportException e = new TransportException(status, code, "x",
                retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds), null);
        assertThat(Failure.of(e)).isEqualTo(expected);
    }
}
