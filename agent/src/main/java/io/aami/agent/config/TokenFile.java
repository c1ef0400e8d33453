package io.aami.agent.config;

import io.aami.common.config.ConfigTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A local API token kept in a file of its own ({@code api.token_file}, {@code api.metrics_token_file}), read once at
 * startup. The file must be private, as the state directory's secrets are: owned by root or by the agent's own user
 * (anyone else could write a token of their choosing into it) and neither readable nor writable by group or others
 * (a local user who reads the token drives the root-run API; one who writes it chooses it). It must be the file itself,
 * not a symbolic link, in directories only root or the agent's user can change (see {@link #refuseUnsafeDirectories}),
 * and it is read from the very file checked. A file that breaks a rule
 * stops startup with a message naming the key; the agent never tightens it itself, since someone else may share it.
 */
final class TokenFile {
    /** Tokens this short are guessable over a network: {@code openssl rand -hex 16} writes 32 characters. */
    static final int MIN_LENGTH = 16;
    /** A token file holds one token; anything larger is the wrong file. */
    static final int MAX_BYTES = 4096;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
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
            Path dir = file.toAbsolutePath().getParent().toRealPath();
            refuseUnsafeDirectories(t, key, file, dir, agentUid);
            // Read from the directory checked, never through a link: the path as given may pass through other directories.
            Path real = dir.resolve(file.getFileName());
            PosixFileAttributes attrs = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                throw t.invalid(key, file + " is a symbolic link; name the token file itself");
            }
            if (!attrs.isRegularFile()) {
                throw t.invalid(key, file + " is not a regular file");
            }
            long owner = ((Number) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
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
            byte[] bytes = content(real);
            Object after = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (attrs.fileKey() == null || !attrs.fileKey().equals(after)) {
                throw t.invalid(key, file + " was replaced while it was read");
            }
            return token(t, key, file, bytes);
        } catch (NoSuchFileException e) {
            throw t.invalid(key, file + " does not exist");
        } catch (IOException e) {
            throw t.invalid(key, file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Refuses a token file in a directory (or below one) that someone else can change: whoever may rename entries
     * there can put a file or link of their own in the token file's place between the checks and the read. A
     * directory must belong to root or this agent's user and not be writable by group or others, unless it is
     * sticky ({@code /tmp}: there only an entry's owner may rename it).
     */
    private static void refuseUnsafeDirectories(ConfigTree t, String key, Path file, Path realDir, long agentUid) throws IOException {
        for (Path d = realDir; d != null; d = d.getParent()) {
            Map<String, Object> a = Files.readAttributes(d, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            long owner = ((Number) a.get("uid")).longValue();
            int mode = ((Number) a.get("mode")).intValue();
            if (owner != 0 && owner != agentUid) {
                throw t.invalid(key, file + " is in " + d + ", which belongs to uid " + owner + ", neither root nor this agent's"
                        + " user: its owner could put a token of their choosing in its place");
            }
            if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
                throw t.invalid(key, file + " is in " + d + ", which group or others can write: they could put a token of"
                        + " their choosing in its place; chmod go-w it");
            }
        }
    }

    /** Read without following a link, so what is read is the file checked (or the read fails). */
    private static byte[] content(Path file) throws IOException {
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
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
