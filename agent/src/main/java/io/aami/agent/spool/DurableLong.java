package io.aami.agent.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One number in a small text file, replaced atomically (write a temporary file, optionally fsync it,
 * rename over, fsync the directory), so a crash leaves either the old value or the new one.
 */
final class DurableLong {
    private final Path file;
    private final Path tmp;
    private final boolean fsync;

    DurableLong(Path file, boolean fsync) {
        this.file = file;
        this.tmp = file.resolveSibling(file.getFileName() + ".tmp");
        this.fsync = fsync;
    }

    Path file() {
        return file;
    }

    /** The stored value; empty when the file does not exist. */
    OptionalLong read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a number (found '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "')");
        }
    }

    void write(long value) throws IOException {
        DirSync.replaceFile(file, tmp, (value + "\n").getBytes(StandardCharsets.UTF_8), fsync);
    }
}
