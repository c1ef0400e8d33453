package io.aami.server.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading and writing {@code jsonb} string maps and lists; bind with {@code ?::jsonb}. */
public final class Jsonb {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };

    private Jsonb() {
    }

    public static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        try {
            ps.setString(index, MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode jsonb parameter " + index, e);
        }
    }

    /** A sorted copy, so equal label sets always print the same. */
    public static Map<String, String> map(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null) {
            return Map.of();
        }
        try {
            return new TreeMap<>(MAPPER.readValue(json, MAP));
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold a string map", e);
        }
    }

    public static List<String> list(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, LIST);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold a string list", e);
        }
    }
}
