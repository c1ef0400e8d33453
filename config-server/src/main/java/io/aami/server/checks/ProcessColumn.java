package io.aami.server.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.contract.policy.ProcessMatch;
import java.sql.SQLException;

/** V026's {@code checks.process}: a process check's match as its wire JSON (snake_case keys), SQL NULL for the other kinds. */
final class ProcessColumn {
    private static final ObjectMapper MAPPER = WireJson.mapper();

    private ProcessColumn() {
    }

    static String write(ProcessMatch p) throws SQLException {
        try {
            return p == null ? null : MAPPER.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode a process match", e);
        }
    }

    static ProcessMatch read(String json) throws SQLException {
        try {
            return json == null ? null : MAPPER.readValue(json, ProcessMatch.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("checks.process does not hold a process match", e);
        }
    }
}
