package io.aami.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules of the benchmarks, on their production classes only. A simulated agent speaks
 * the wire contract ({@code api-contract}), never the agent's code: a benchmark that borrowed the
 * agent's classes would measure them, not the protocol, and the agent jar is started as a child
 * process when a benchmark needs the real one. The server is started in-process by one class only.
 */
@AnalyzeClasses(packages = "io.aami.bench", importOptions = ImportOption.DoNotIncludeTests.class)
class BenchArchitectureTest {

    @ArchTest
    static final ArchRule neverTheAgent = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.aami.agent..")
            .as("bench classes never depend on io.aami.agent")
            .because("simulated agents speak the wire contract (api-contract); the real agent runs as a child process from"
                    + " agent/target/aami-agent.jar (--agent-jar)");

    @ArchTest
    static final ArchRule serverOnlyToEmbedIt = noClasses()
            .that().doNotHaveFullyQualifiedName(EmbeddedTarget.class.getName())
            .should().dependOnClassesThat().resideInAPackage("io.aami.server..")
            .as("only EmbeddedTarget depends on io.aami.server (to start the server in this JVM for --embedded)")
            .because("the benchmarks measure the server through its HTTP API and its database, as a real fleet does");
}
