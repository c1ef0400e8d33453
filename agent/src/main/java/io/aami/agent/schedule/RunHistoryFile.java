package io.aami.agent.schedule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * The history file's text form: a header line, then one line per job,
 * {@code <start epoch millis> <fingerprint> <key>}, sorted by key. Text rather than JSON keeps the
 * reader small and its limits obvious. Read strictly: anything unexpected (header, a line, size,
 * encoding) rejects the whole file, and the jobs then start as new ones, as without a file.
 */
final class RunHistoryFile {
    static final String HEADER = "aami-last-runs v1";
    /** Keys beyond this are not remembered; a probe's key (two ids or a host name) stays far below it. */
    static final int MAX_KEY_CHARS = 320;
    /** Jobs beyond this many (by key order) are not remembered and start as new ones after a restart. */
    static final int MAX_ENTRIES = 50_000;
    /** Comfortably above {@link #MAX_ENTRIES} full lines; a larger file is not read at all. */
    static final int MAX_BYTES = 20 * 1024 * 1024;

    private RunHistoryFile() {
    }

    /** The file's bytes for {@code entries}; keys that could not be read back are left out. */
    static byte[] format(SortedMap<String, RunHistory.Entry> entries) {
        StringBuilder out = new StringBuilder(64 + entries.size() * 96).append(HEADER).append('\n');
        int written = 0;
        for (var e : entries.entrySet()) {
            if (written == MAX_ENTRIES) {
                break;
            }
            if (validKey(e.getKey())) {
                out.append(e.getValue().startedMs()).append(' ').append(e.getValue().fingerprint()).append(' ')
                        .append(e.getKey()).append('\n');
                written++;
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The entries in {@code file}; empty when it does not exist.
     *
     * @throws IOException              when it cannot be read, is no regular file or is too large
     * @throws IllegalArgumentException when its content is not a history file
     */
    static Map<String, RunHistory.Entry> read(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException gone) {
            return Map.of();
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return parse(bytes);
    }

    static Map<String, RunHistory.Entry> parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8");
        }
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("does not end with a complete line");
        }
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("does not start with \"" + HEADER + "\"");
        }
        if (lines.length - 2 > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
        }
        Map<String, RunHistory.Entry> entries = new HashMap<>();
        for (int i = 1; i < lines.length - 1; i++) {
            parseLine(lines[i], i + 1, entries);
        }
        return entries;
    }

    private static void parseLine(String line, int number, Map<String, RunHistory.Entry> into) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("line " + number + " is not \"<millis> <fingerprint> <key>\"");
        }
        long started = millis(line.substring(0, first), number);
        String fingerprint = line.substring(first + 1, second);
        String key = line.substring(second + 1);
        if (!fingerprint(fingerprint) || !validKey(key)) {
            throw new IllegalArgumentException("line " + number + " has a malformed fingerprint or key");
        }
        if (into.put(key, new RunHistory.Entry(fingerprint, started)) != null) {
            throw new IllegalArgumentException("line " + number + " repeats a key");
        }
    }

    private static long millis(String digits, int number) {
        // Digits only (no sign): a start before 1970 or a number that does not fit is damage.
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("line " + number + " has no valid start time");
        }
        return Long.parseLong(digits);
    }

    private static boolean fingerprint(String s) {
        return s.length() == JobFingerprint.HEX_CHARS && s.chars().allMatch(c -> HexFormat.isHexDigit(c)
                && !Character.isUpperCase(c));
    }

    /** A key fits on one line and reads back as written: bounded, no control characters, no surrogates. */
    static boolean validKey(String key) {
        return !key.isEmpty() && key.length() <= MAX_KEY_CHARS
                && key.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c));
    }
}
