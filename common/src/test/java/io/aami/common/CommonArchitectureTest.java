package io.aami.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules of {@code common}, on its production classes only. A violation fails
 * {@code mvn verify}; the message names the rule and lists every offending dependency.
 */
@AnalyzeClasses(packages = "io.aami.common", importOptions = ImportOption.DoNotIncludeTests.class)
class CommonArchitectureTest {

    @ArchTest
    static final ArchRule commonImportsNeitherProcess = noClasses()
            .that().resideInAPackage("io.aami.common..")
            .should().dependOnClassesThat().resideInAnyPackage("io.aami.server..", "io.aami.agent..")
            .as("common imports neither io.aami.server nor io.aami.agent")
            .because("both processes use common, so it can know neither");
}
