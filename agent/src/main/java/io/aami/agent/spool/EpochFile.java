package io.aami.agent.spool;

import io.aami.contract.results.StreamEpochs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <dir>/epoch}: the stream epoch ({@link StreamEpochs}) the spool's seq numbers belong to, one
 * canonical lowercase UUID and a newline, nothing else. It lives in the spool directory so that
 * whatever takes the spool's numbering away (the directory deleted, the files lost) takes the epoch
 * with it. Replaced atomically and always fsync'd (file and directory) whatever the spool's fsync
 * policy: a new epoch must be on disk before the first record numbered in it.
 */
final class EpochFile {
    /** What {@link #read} found. */
    enum State { VALID, MISSING, DAMAGED }

    record Found(State state, String epoch, String problem) {
    }

    private static final int MAX_BYTES = 64;

    private final Path file;
    private final Path tmp;

    EpochFile(Path dir) {
        this.file = dir.resolve("epoch");
        this.tmp = dir.resolve("epoch.tmp");
    }

    Path file() {
        return file;
    }

    /** The stored epoch; anything but exactly one canonical, non-default UUID line is DAMAGED. */
    Found read() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return new Found(State.DAMAGED, null, file + " is larger than an epoch");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Found(State.MISSING, null, file + " is missing");
        } catch (IOException e) {
            return new Found(State.DAMAGED, null, "cannot read " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String epoch = text.endsWith("\n") ? text.substring(0, text.length() - 1) : "";
        if (!valid(epoch)) {
            return new Found(State.DAMAGED, null, file + " does not hold one stream epoch");
        }
        return new Found(State.VALID, epoch, null);
    }

    static boolean valid(String epoch) {
        return epoch.length() == StreamEpochs.LENGTH && epoch.matches(StreamEpochs.PATTERN) && !epoch.equals(StreamEpochs.DEFAULT);
    }

    /** A fresh random epoch (a version 4 UUID, 122 random bits from a cryptographic generator). */
    static String random() {
        return UUID.randomUUID().toString();
    }

    void write(String epoch) throws IOException {
        if (!valid(epoch)) {
            throw new IllegalArgumentException("not a stream epoch: " + epoch);
        }
        // Always synced, whatever spool.fsync says: a lost epoch file is a new stream, a torn one a lie.
        DirSync.replaceFile(file, tmp, (epoch + "\n").getBytes(StandardCharsets.US_ASCII), true);
    }
}
