package io.aami.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable write that shutdown's interrupt reaches mid-way still lands whole, and the thread is still interrupted
 * afterwards. Seen in CI: the agent stopped right after applying a policy, its policy file's write died of
 * {@code ClosedByInterruptException}, and the next (offline) life had no policy.
 */
class DurableFileTest {
    @TempDir
    Path dir;

    @Test
    void aWriteInterruptedMidwayLandsWholeAndTheInterruptIsKept() throws Exception {
        byte[] content = new byte[64 << 20];
        Arrays.fill(content, (byte) 'p');
        Path file = dir.resolve("policy.json");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                DurableFile.write(file, content);
            } catch (Throwable t) {
                failed.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        writer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!temporaryFileExists() && writer.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        writer.interrupt(); // as Agent.close interrupts the policy poller
        writer.join(60_000);

        assertThat(failed.get()).as("the write").isNull();
        assertThat(Files.mismatch(file, writeReference(content))).as("whole").isEqualTo(-1L);
        assertThat(stillInterrupted).as("the interrupt kept for the thread's loop").isTrue();
        assertThat(temporaryFileExists()).as("no temporary file left").isFalse();
    }

    @Test
    void certificatesAreWrittenForOthersToReadAndSecretsForTheOwnerOnly() throws Exception {
        Path cert = dir.resolve("agent.crt");
        Path key = dir.resolve("agent.key");
        DurableFile.writeWorldReadable(cert, "certificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        DurableFile.write(key, "key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(cert).hasContent("certificate");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    private boolean temporaryFileExists() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    private Path writeReference(byte[] content) throws Exception {
        return Files.write(dir.resolve("reference"), content);
    }
}
