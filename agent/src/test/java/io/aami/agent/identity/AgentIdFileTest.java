package io.aami.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIdFileTest {
    @TempDir
    Path dir;

    @Test
    void missingFileIsCreatedWithParentsAndReused() throws Exception {
        Path f = dir.resolve("etc/aami/agent-id");
        UUID id = AgentIdFile.readOrCreate(f);
        assertThat(Files.readString(f).trim()).isEqualTo(id.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        assertThat(AgentIdFile.readOrCreate(f)).isEqualTo(id);
        try (var files = Files.list(f.getParent())) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void provisionedIdIsUsedAsIs() throws Exception {
        Path f = dir.resolve("agent-id");
        Files.writeString(f, "  4B0C3F5E-8A51-4D3E-9D0E-2F1A7A6C9B11 \n");
        assertThat(AgentIdFile.readOrCreate(f)).isEqualTo(UUID.fromString("4b0c3f5e-8a51-4d3e-9d0e-2f1a7a6c9b11"));
    }

    @Test
    void malformedFileIsAnErrorAndLeftAlone() throws Exception {
        Path f = dir.resolve("agent-id");
        Files.writeString(f, "${agent_uuid}\n");
        assertThatThrownBy(() -> AgentIdFile.readOrCreate(f)).hasMessageContaining("does not hold a UUID").hasMessageContaining("${agent_uuid}");
        assertThat(Files.readString(f)).isEqualTo("${agent_uuid}\n");
        Files.writeString(f, "");
        assertThatThrownBy(() -> AgentIdFile.readOrCreate(f)).isInstanceOf(IllegalStateException.class);
    }
}
