package io.aami.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire mapper's instants are the text JavaTimeModule wrote (ISO_INSTANT), byte for byte. */
class IsoInstantSerializerTest {
    private final ObjectMapper wire = WireJson.mapper();
    private final ObjectMapper jackson = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Test
    void theWireMapperUsesIt() throws Exception {
        assertThat(wire.getSerializerProviderInstance().findValueSerializer(Instant.class)).isInstanceOf(IsoInstantSerializer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T16:49:00Z", "2026-12-02T16:49:00.100Z", "2026-12-02T16:49:00.000001Z",
        "2026-12-02T16:49:00.000000001Z", "2026-12-02T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z",
        "2024-02-29T12:00:00.120Z", "2026-12-02T16:49:00.123456Z", "2026-12-02T16:49:00.123456700Z"})
    void writesWhatJavaTimeModuleWrote(String text) throws Exception {
        Instant instant = Instant.parse(text);
        assertThat(wire.writeValueAsString(instant)).isEqualTo(jackson.writeValueAsString(instant))
                .isEqualTo("\"" + instant + "\"");
        assertThat(wire.readValue(wire.writeValueAsString(instant), Instant.class)).isEqualTo(instant);
    }

    @Test
    void randomInstantsAcrossDaysAndInListsMatch() throws Exception {
        Random random = new Random(14);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextInt(4) == 0 ? 1_796_000_000L + random.nextInt(200_000)
                    : random.nextLong() % (Instant.MAX.getEpochSecond() - 100_000);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            List<Instant> two = List.of(Instant.ofEpochSecond(seconds, nanos), Instant.ofEpochSecond(seconds + 86_400, nanos));
            assertThat(wire.writeValueAsString(two)).as("%d.%09d", seconds, nanos).isEqualTo(jackson.writeValueAsString(two));
        }
    }
}
