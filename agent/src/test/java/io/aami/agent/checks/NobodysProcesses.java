package io.aami.agent.checks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test at a time, across the module's test JVMs (surefire runs two), of those whose scripts run as {@code nobody}
 * in numbers (fork bombs) or under the per-user process limit ({@code rlimit} mode: 64 for the user, host-wide): a fork
 * bomb in one JVM made another's rlimit-mode run fail to fork ("setpriv: failed to execute /usr/bin/env: Resource
 * temporarily unavailable"). Each test holds an exclusive lock on a file in {@code target/}, and gives it up only once
 * {@code nobody} has no more processes than before it (zombies count against the limit until init reaps them).
 */
final class NobodysProcesses implements BeforeEachCallback, AfterEachCallback {
    private static final Path LOCK = Path.of("target", "nobody-processes.lock");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NobodysProcesses.class);

    private record Held(FileChannel channel, FileLock lock, long before) {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Files.createDirectories(LOCK.getParent());
        FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        context.getStore(NS).put(Held.class, new Held(channel, lock, count()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Held held = context.getStore(NS).remove(Held.class, Held.class);
        if (held == null) {
            return;
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count() > held.before() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            held.lock().release();
            held.channel().close();
        }
    }

    /** Processes of uid 65534 ({@code nobody}), zombies included. */
    static long count() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readAllLines(p.resolve("status")).stream()
                                    .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[1].equals("65534"));
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    }).count();
        }
    }
}
