package io.aami.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules of the config-server, on its production classes only. A violation fails
 * {@code mvn verify}; the message names the rule and lists every offending dependency.
 */
@AnalyzeClasses(packages = "io.aami.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

    /** What a leaf package ({@code http}, {@code db}) may use besides itself, the JDK and libraries. */
    private static final String[] INFRASTRUCTURE = {
        "io.aami.contract..", "io.aami.common..", "io.aami.server.error..", "io.aami.server.config..",
        "io.aami.server.validation.."
    };

    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .matching("io.aami.server.(*)..")
            .should().beFreeOfCycles()
            .as("config-server packages have no cycles")
            .because("where two features collaborate, one depends on a small interface the other implements");

    @ArchTest
    static final ArchRule httpIsALeaf = leaf("http", "io.aami.server.db..", "io.aami.server.security..");

    @ArchTest
    static final ArchRule dbIsALeaf = leaf("db");

    @ArchTest
    static final ArchRule validationIsALeaf = leaf("validation");

    @ArchTest
    static final ArchRule handlersDoNotTouchStoresOrSql = noClasses()
            .that(namedLike("io\\.aami\\.server\\..*Handler"))
            .should().dependOnClassesThat(namedLike("io\\.aami\\..*Store")
                    .or(resideInAnyPackage("java.sql..", "io.aami.server.db..")))
            .as("handlers (*Handler) do not touch stores (*Store), java.sql or io.aami.server.db")
            .because("a handler reads the request and calls its service; the service owns the data");

    @ArchTest
    static final ArchRule storesDoNotKnowHttp = noClasses()
            .that(namedLike("io\\.aami\\.server\\..*Store"))
            .should().dependOnClassesThat().resideInAnyPackage("io.aami.server.http..", "io.javalin..")
            .as("stores (*Store) do not import io.aami.server.http or Javalin")
            .because("a store speaks SQL and returns values; the HTTP layer turns them into answers");

    @ArchTest
    static final ArchRule servicesDoNotKnowJavalin = noClasses()
            .that(namedLike("io\\.aami\\.server\\..*Service"))
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "io.aami.server.http..")
            .as("services (*Service) depend on neither Javalin nor io.aami.server.http")
            .because("services hold the rules and are called from handlers, loops and the CLI alike");

    @ArchTest
    static final ArchRule serverDoesNotImportAgent = noClasses()
            .that().resideInAPackage("io.aami.server..")
            .should().dependOnClassesThat().resideInAPackage("io.aami.agent..")
            .as("config-server does not import io.aami.agent")
            .because("the two processes share only api-contract and common");

    /**
     * {@code name} depends on no feature: only on the infrastructure (and {@code alsoAllowed}, lower
     * infrastructure: {@code http} maps the database's failures and checks the admin token's hash).
     */
    private static ArchRule leaf(String name, String... alsoAllowed) {
        String own = "io.aami.server." + name + "..";
        String[] allowed = java.util.stream.Stream.concat(java.util.Arrays.stream(INFRASTRUCTURE), java.util.Arrays.stream(alsoAllowed))
                .toArray(String[]::new);
        return noClasses()
                .that().resideInAPackage(own)
                .should().dependOnClassesThat(resideInAPackage("io.aami..")
                        .and(not(resideInAnyPackage(allowed)))
                        .and(not(resideInAPackage(own))))
                .as("io.aami.server." + name + " is a leaf: it depends on no feature package, only on "
                        + String.join(", ", allowed) + ", the JDK and libraries")
                .because("features register themselves with the infrastructure, never the other way round");
    }

    /** A class whose name matches, or any class nested in one (lambdas' and records' helpers included). */
    private static DescribedPredicate<JavaClass> namedLike(String regex) {
        return nameMatching(regex + "(\\$.*)?").<JavaClass>forSubtype().as("named like " + regex.replace("\\", ""));
    }
}
