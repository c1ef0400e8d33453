package io.aami.contract;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * Architecture rules of {@code api-contract}: the module both processes share holds wire shapes and
 * shared rules only, so it can never pull either process's behaviour or libraries into the other.
 * A violation fails {@code mvn verify} with the rule's name in the message.
 */
@AnalyzeClasses(packages = "io.aami.contract", importOptions = ImportOption.DoNotIncludeTests.class)
class ContractArchitectureTest {

    @ArchTest
    static final ArchRule holdsOnlyRecordsEnumsInterfacesAndConstants = classes()
            .that().resideInAPackage("io.aami.contract..")
            .should(beARecordEnumInterfaceOrConstantHolder())
            .as("api-contract holds only records, enums, interfaces and constant holders")
            .because("behaviour belongs to the process that runs it; the contract is shapes and shared rules");

    @ArchTest
    static final ArchRule dependsOnlyOnJdkAndJacksonAnnotations = classes()
            .that().resideInAPackage("io.aami.contract..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("io.aami.contract..", "java..", "com.fasterxml.jackson.annotation..")
            .as("api-contract depends on nothing but the JDK and Jackson annotations")
            .because("both processes import it, so anything it depends on becomes theirs");

    private static ArchCondition<JavaClass> beARecordEnumInterfaceOrConstantHolder() {
        return new ArchCondition<>("be a record, an enum, an interface or a constant holder"
                + " (final class, private constructors, only static final fields)") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean allowed = type.isRecord() || type.isEnum() || isEnumConstantBody(type)
                        || (type.isInterface() && !type.isAnnotation())
                        || type.getModifiers().contains(JavaModifier.SYNTHETIC)
                        || isConstantHolder(type);
                events.add(new SimpleConditionEvent(type, allowed, type.getName()
                        + (allowed ? " is" : " is not") + " a record, enum, interface or constant holder " + type.getSourceCodeLocation()));
            }
        };
    }

    /** An enum constant with a body compiles to an anonymous subclass of its enum. */
    private static boolean isEnumConstantBody(JavaClass type) {
        return type.isAnonymousClass() && type.getRawSuperclass().map(JavaClass::isEnum).orElse(false);
    }

    private static boolean isConstantHolder(JavaClass type) {
        return type.getModifiers().contains(JavaModifier.FINAL)
                && !type.getConstructors().isEmpty()
                && type.getConstructors().stream().allMatch(ContractArchitectureTest::isPrivate)
                && type.getFields().stream().allMatch(ContractArchitectureTest::isStaticFinal);
    }

    private static boolean isPrivate(JavaConstructor constructor) {
        return constructor.getModifiers().contains(JavaModifier.PRIVATE);
    }

    private static boolean isStaticFinal(JavaField field) {
        return field.getModifiers().contains(JavaModifier.STATIC) && field.getModifiers().contains(JavaModifier.FINAL);
    }
}
