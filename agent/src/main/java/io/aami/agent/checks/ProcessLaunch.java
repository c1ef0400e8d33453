package io.aami.agent.checks;

import java.util.Properties;

/**
 * How the JVM starts check processes. By default (POSIX_SPAWN) every start execs the JDK's
 * {@code jspawnhelper}, which then execs the command: one exec more per check run than the
 * {@code VFORK} mechanism, in which the JVM's vfork child execs the command itself (the Linux
 * default up to JDK 11, and still implemented, not deprecated, up to JDK 24). The child's
 * environment, working directory and descriptors (0-2 only) are the same either way. The JDK reads
 * the property once, when it first starts a process, so {@code AgentMain} calls {@link #prefer}
 * first thing. An operator's own {@code -Djdk.lang.Process.launchMechanism=…} is kept; JDK 25
 * deprecated VFORK (it warns) and JDK 26 removed it, so from 25 on the JDK's default stays.
 */
public final class ProcessLaunch {
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";
    /** The last JDK feature release in which VFORK is neither deprecated nor removed. */
    static final int LAST_VFORK_RELEASE = 24;

    private ProcessLaunch() {
    }

    /** Selects VFORK for this JVM where {@link #choose} says so; call before any process is started. */
    public static void prefer() {
        choose(Runtime.version().feature(), System.getProperty("os.name", ""), System.getProperties());
    }

    /** Sets {@link #PROPERTY} to VFORK in {@code props} on Linux up to JDK 24 unless already set; returns whether it did. */
    static boolean choose(int jdkFeature, String osName, Properties props) {
        if (props.getProperty(PROPERTY) != null || jdkFeature > LAST_VFORK_RELEASE || !osName.equals("Linux")) {
            return false;
        }
        props.setProperty(PROPERTY, "VFORK");
        return true;
    }
}
