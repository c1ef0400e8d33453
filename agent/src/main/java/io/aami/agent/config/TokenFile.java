package io.aami.agent.config;

import io.aami.common.config.ConfigTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A local API token kept in a file of its own ({@code api.token_file}, {@code api.metrics_token_file}), read once at
 * startup. The file must be private, as the state directory's secrets are: owned by root or by the agent's own user
 * (anyone else could write a token of their choosing into it) and neither readable nor writable by group or others
 * (a local user who reads the token drives the root-run API; one who writes it chooses it). A file that breaks a rule
 * stops startup with a message naming the key; the agent never tightens it itself, since someone else may share it.
 */
final class TokenFile {
    /** Tokens this short are guessable over a network: {@code openssl rand -hex 16} writes 32 characters. */
    static final int MIN_LENGTH = 16;
    /** A token file holds one token; anything larger is the wrong file. */
    static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private TokenFile() {
    }

    /**
     * The token in {@code file}: its content without surrounding whitespace (a trailing newline is usual).
     *
     * @param agentUid the effective uid of this agent, the one owner besides root a token file may have
     * @throws io.aami.common.config.ConfigException naming {@code key} when the file is missing, shared, someone
     *         else's, or holds no single token of at least {@link #MIN_LENGTH} characters
     */
    static String read(ConfigTree t, String key, Path file, long agentUid) {
        try {
            PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class);
            if (!attrs.isRegularFile()) {
                throw t.invalid(key, file + " is not a regular file");
            }
            long owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
            if (owner != 0 && owner != agentUid) {
                throw t.invalid(key, file + " belongs to uid " + owner + ", neither root nor this agent's user (uid " + agentUid
                        + "): its owner could write a token of their choosing into it; chown root and chmod 0600 it");
            }
            Set<PosixFilePermission> shared = EnumSet.copyOf(attrs.permissions());
            shared.retainAll(SHARED);
            if (!shared.isEmpty()) {
                throw t.invalid(key, file + " is " + PosixFilePermissions.toString(attrs.permissions()) + ": group or others"
                        + " can read or change the token; chmod 0600 it");
            }
            return token(t, key, file, content(file));
        } catch (NoSuchFileException e) {
            throw t.invalid(key, file + " does not exist");
        } catch (IOException e) {
            throw t.invalid(key, file + " cannot be read: " + e.getMessage());
        }
    }

    private static byte[] content(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX_BYTES + 1);
        }
    }

    private static String token(ConfigTree t, String key, Path file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw t.invalid(key, file + " is larger than " + MAX_BYTES + " bytes; it should hold one token");
        }
        String token;
        try {
            token = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString().strip();
        } catch (CharacterCodingException e) {
            throw t.invalid(key, file + " is not UTF-8 text");
        }
        if (token.isEmpty()) {
            throw t.invalid(key, file + " is empty");
        }
        // A Bearer token is one header word: whitespace or control characters inside mean the wrong file.
        if (token.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw t.invalid(key, file + " must hold one token on one line, without spaces");
        }
        if (token.length() < MIN_LENGTH) {
            throw t.invalid(key, file + " holds a token of " + token.length() + " characters; use at least " + MIN_LENGTH
                    + " random ones (openssl rand -hex 16)");
        }
        return token;
    }
}
