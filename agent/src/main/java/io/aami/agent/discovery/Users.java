package io.aami.agent.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/** User names by uid from a passwd file, read again only when the file changed. */
final class Users {
    static final Path PASSWD = Path.of("/etc/passwd");

    private final Path passwd;
    private FileTime readAt;
    private Map<Integer, String> names = Map.of();

    Users(Path passwd) {
        this.passwd = passwd;
    }

    /** Called once per scan: rereads the file if its modification time moved. */
    void refresh() {
        try {
            FileTime modified = Files.getLastModifiedTime(passwd);
            if (modified.equals(readAt)) {
                return;
            }
            Map<Integer, String> m = new HashMap<>();
            for (String line : new String(Files.readAllBytes(passwd), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(":", 4);
                if (f.length >= 3) {
                    try {
                        m.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                    } catch (NumberFormatException ignored) {
                        // a malformed line names nobody
                    }
                }
            }
            names = m;
            readAt = modified;
        } catch (IOException e) {
            names = Map.of();
            readAt = null;
        }
    }

    String name(int uid) {
        String n = names.get(uid);
        return n != null ? n : Integer.toString(uid);
    }
}
