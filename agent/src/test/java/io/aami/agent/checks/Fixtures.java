package io.aami.agent.checks;

import io.aami.agent.util.ProcessUid;
import io.aami.contract.policy.CheckSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Specs, hashes and an independent look at /proc for the check tests. */
final class Fixtures {
    private Fixtures() {
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static CheckSpec spec(String interpreter, String script) {
        return spec(UUID.randomUUID(), interpreter, script, List.of(), Map.of(), 60, 10);
    }

    static CheckSpec spec(UUID id, String interpreter, String script, List<String> args, Map<String, String> env,
                          int intervalSeconds, int timeoutSeconds) {
        return new CheckSpec(id, "test check", interpreter, script, sha256(script), args, env, intervalSeconds,
                timeoutSeconds, Map.of());
    }

    static boolean isRoot() {
        return ProcessUid.effective() == 0;
    }

    /** Whether {@code pid} is a live process (a zombie is dead, only not yet reaped). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Processes (zombies too when {@code withZombies}) whose process group is {@code pgid}. */
    static List<Long> groupMembers(long pgid, boolean withZombies) throws IOException {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    boolean zombie = fields[0].equals("Z") || fields[0].equals("X");
                    if (Long.parseLong(fields[2]) == pgid && (withZombies || !zombie)) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    /** Whether {@code program} is an executable file in a directory of this JVM's PATH. */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    static long readPid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }
}
