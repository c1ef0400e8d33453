package io.aami.agent.checks;

/** Every {@link CgroupContainmentTest} again, runs started by {@code aami-run}: cgroup join and limits are its. */
class CgroupContainmentWithRunHelperTest extends CgroupContainmentTest {
    @Override
    ScriptExecutorBuilder builder() {
        return super.builder().runHelper(RunHelpers.built());
    }
}
