package io.aami.bench;

import java.nio.file.Path;

/**
 * Gives a new embedded server's data directory, before its first start, a ready PostgreSQL cluster (unpacked
 * binaries, secrets, an initdb'd cluster), so a run does not pay for unpacking and initdb. Found with
 * {@link java.util.ServiceLoader}: the bench jar has none (a real run starts as any first start does); the bench's
 * tests register one that copies the build's cluster template, since every smoke test would otherwise spend
 * seconds of CPU on what none of them measures.
 */
public interface ClusterSeed {
    /** Seeds {@code dataDir} (the server's {@code data_dir} for its embedded PostgreSQL), which holds no cluster yet. */
    void seed(Path dataDir);
}
