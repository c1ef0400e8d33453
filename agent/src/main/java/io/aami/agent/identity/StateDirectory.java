package io.aami.agent.identity;

import io.aami.agent.util.ProcessUid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's state directory ({@code agent.state_dir}): its private key, credentials, CA, last policy and
 * spool. It is 0700 whoever creates it: the agent creates it with that mode (not chmod afterwards, which
 * would leave a window), and tightens an existing one it owns that group or others could enter or read,
 * saying so in the log. A root agent refuses a state directory another user owns, since its owner could
 * swap the files a root process trusts.
 *
 * <p>One exception: when {@code checks.work_dir} lies inside the state directory, the run-as user must pass
 * through it to reach the scripts, so group execute (enter, never list) is left as the checks store set it.
 * The default work dir is a sibling ({@code <state_dir>-checks}) so that the state dir stays 0700.
 */
public final class StateDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private StateDirectory() {
    }

    /**
     * Creates {@code dir} 0700 (missing ancestors with the usual mode) or tightens it.
     *
     * @param holdsWorkDir whether {@code checks.work_dir} lies inside {@code dir}
     * @throws IllegalStateException when {@code dir} is not a directory, or another user owns it and the agent is root
     */
    public static void prepare(Path dir, boolean holdsWorkDir) {
        prepare(dir, holdsWorkDir, ProcessUid.effective());
    }

    static void prepare(Path dir, boolean holdsWorkDir, long agentUid) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (!Files.exists(abs)) {
                create(abs);
            }
            tighten(abs, holdsWorkDir, agentUid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the state directory " + abs + " (agent.state_dir): " + e.getMessage(), e);
        }
    }

    private static void create(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent != null) {
            // Ancestors such as /var/lib hold nothing of ours: the usual mode, so others can still traverse them.
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            LOG.info("created the state directory {} (rwx------)", dir);
        } catch (FileAlreadyExistsException raced) {
            // created meanwhile by someone else: checked like any existing one
        }
    }

    private static void tighten(Path dir, boolean holdsWorkDir, long agentUid) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the state directory " + dir + " (agent.state_dir) is not a directory");
        }
        long owner = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        Set<PosixFilePermission> wanted = EnumSet.copyOf(PRIVATE);
        if (holdsWorkDir && mode.contains(PosixFilePermission.GROUP_EXECUTE)) {
            wanted.add(PosixFilePermission.GROUP_EXECUTE);
        }
        boolean open = !wanted.containsAll(mode);
        if (owner != agentUid) {
            if (agentUid == 0) {
                throw new IllegalStateException("the state directory " + dir + " (agent.state_dir) belongs to uid " + owner
                        + ", not root: that user could replace the key, certificates and credentials this root agent trusts;"
                        + " chown root and chmod 0700 it");
            }
            if (open) {
                LOG.warn("the state directory {} belongs to uid {}, not to this agent (uid {}), and is {}: other users may reach"
                        + " the agent's key and credentials", dir, owner, agentUid, PosixFilePermissions.toString(mode));
            }
            return;
        }
        if (open) {
            Set<PosixFilePermission> tightened = EnumSet.copyOf(mode);
            tightened.retainAll(wanted);
            tightened.addAll(PRIVATE);
            Files.setPosixFilePermissions(dir, tightened);
            LOG.warn("the state directory {} was {}; now {}: it holds the agent's key and credentials", dir,
                    PosixFilePermissions.toString(mode), PosixFilePermissions.toString(tightened));
        }
    }
}
