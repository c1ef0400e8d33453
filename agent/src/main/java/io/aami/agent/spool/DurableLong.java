package io.aami.agent.spool;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write((value + "\n").getBytes(StandardCharsets.UTF_8));
            if (fsync) {
                out.getFD().sync();
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            DirSync.sync(file.toAbsolutePath().getParent());
        }
    }
}
