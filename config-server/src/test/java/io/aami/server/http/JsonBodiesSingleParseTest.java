package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.aami.common.json.WireJson;
import io.aami.contract.ErrorCode;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.error.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a body is parsed once, straight into its type, when its bytes prove every string storable;
 * otherwise it is walked as a tree first and refused as before, naming the field.
 */
class JsonBodiesSingleParseTest {
    /** Records which parser fed it: the byte parser, or the tree's (a second pass over the document). */
    static final class ParserSpy extends StdDeserializer<String> {
        private static final long serialVersionUID = 1L;
        static volatile Class<?> seen;

        ParserSpy() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            seen = p.getClass();
            return p.getValueAsString();
        }
    }

    record Body(@JsonDeserialize(using = ParserSpy.class) String name, Long count) {
    }

    final JsonBodies bodies = new JsonBodies(WireJson.mapper(), ServerConfigLoader.load(null, Map.of()).http(), Clock.systemUTC());

    @Test
    void aPlainBodyIsBoundFromItsBytesWithoutBuildingATreeFirst() {
        Body b = bodies.parse(bytes("{\"name\":\"web-01 \\\\u0000 \\\"é\\\" 한 😀\",\"count\":3}"), Body.class);

        assertThat(b).isEqualTo(new Body("web-01 \\u0000 \"é\" 한 😀", 3L));
        assertThat(ParserSpy.seen.getSimpleName()).isNotEqualTo("TreeTraversingParser");
    }

    @Test
    void aBodyWithAnUnstorableStringIsStillRefusedNamingTheField() {
        assertThatThrownBy(() -> bodies.parse(bytes("{\"name\":\"a\\u0000b\",\"count\":1}"), Body.class))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> bodies.parse(bytes("{\"name\":\"x\",\"count\":\"many\"}"), Body.class))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("count"));
        assertThatThrownBy(() -> bodies.parse(bytes("null"), Body.class))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
        assertThatThrownBy(() -> bodies.parse(bytes("{\"name\":"), Body.class))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
