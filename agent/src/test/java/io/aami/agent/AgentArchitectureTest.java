package io.aami.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules of the agent, on its production classes only (the agent's tests put the
 * config-server on the class path; only {@code io.aami.agent} is imported). A violation fails
 * {@code mvn verify}; the message names the rule and lists every offending dependency.
 */
@AnalyzeClasses(packages = "io.aami.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class AgentArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .matching("io.aami.agent.(*)..")
            .should().beFreeOfCycles()
            .as("agent packages have no cycles")
            .because("where two parts collaborate, one depends on a small interface the other implements");

    @ArchTest
    static final ArchRule agentDoesNotImportServer = noClasses()
            .that().resideInAPackage("io.aami.agent..")
            .should().dependOnClassesThat().resideInAPackage("io.aami.server..")
            .as("agent does not import io.aami.server")
            .because("the two processes share only api-contract and common");
}
