package io.aami.server.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Review (integ): whatever bytes a body holds, when {@link StorableText#surelyStorable} says yes and Jackson
 * binds it, no string (key or value) of what it bound holds a NUL or a lone surrogate.
 */
class StorableTextFuzzReviewTest {
    private static final byte[] ALPHABET = {'\\', 'u', '0', 'd', 'D', '8', 'c', 'f', 'F', 'a', '"', 'n', '/', ' ', ',', ':',
            0x00, 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1,
            (byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xE1, (byte) 0xEC, (byte) 0xED, (byte) 0xEE, (byte) 0xEF,
            (byte) 0xF0, (byte) 0xF1, (byte) 0xF3, (byte) 0xF4, (byte) 0xF5, (byte) 0xF8, (byte) 0xFE, (byte) 0xFF};

    @Test
    void noBodySurelyStorableBindsToAnUnstorableString() throws Exception {
        ObjectMapper mapper = WireJson.mapper();
        SplittableRandom random = new SplittableRandom(14);
        int storable = 0;
        for (int n = 0; n < 300_000; n++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write('{');
            b.write('"');
            fill(b, random);
            b.writeBytes("\":[\"".getBytes());
            fill(b, random);
            b.writeBytes("\"]}".getBytes());
            byte[] body = b.toByteArray();
            if (!StorableText.surelyStorable(body)) {
                continue;
            }
            Map<?, ?> bound;
            JsonNode tree;
            try {
                bound = mapper.readValue(body, Map.class);
                tree = mapper.readTree(body);
            } catch (Exception e) {
                continue;
            }
            storable++;
            List<String> strings = new ArrayList<>();
            bound.forEach((k, v) -> {
                strings.add((String) k);
                ((List<?>) v).forEach(s -> strings.add((String) s));
            });
            for (String s : strings) {
                assertThat(StorableText.problem(s)).as("body %s", java.util.HexFormat.of().formatHex(body)).isNull();
            }
            StorableText.requireIn(tree);
        }
        assertThat(storable).isGreaterThan(1000);
    }

    private static void fill(ByteArrayOutputStream b, SplittableRandom random) {
        int len = random.nextInt(1, 8);
        for (int i = 0; i < len; i++) {
            b.write(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
    }
}
