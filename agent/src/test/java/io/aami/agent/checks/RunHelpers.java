package io.aami.agent.checks;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code aami-run} this module's build made ({@code target/native/aami-run}, see build-run-helper.sh). */
final class RunHelpers {
    private RunHelpers() {
    }

    /** Its absolute path; skips the test without a C compiler at build time, fails then in CI. */
    static Path built() {
        Path helper = Path.of("target/native/aami-run").toAbsolutePath();
        if (!Files.isExecutable(helper)) {
            if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
                fail(helper + " was not built (no C compiler?) and AAMI_REQUIRE_TOOLS is set");
            }
            assumeTrue(false, helper + " was not built: no C compiler on this host");
        }
        return helper;
    }
}
