/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of netty-aio's main classes (every module's, all on this module's test class path; tests left
 * out), as {@code docs/DESIGN.md} draws it. The components, lowest first:
 * <ol>
 *   <li>sys: {@code io.github.nettyaio.sys..} (netty-aio-native);</li>
 *   <li>seed: the root package {@code io.github.nettyaio} and {@code io.github.nettyaio.internal..};</li>
 *   <li>source: {@code io.github.nettyaio.source..};</li>
 *   <li>file: {@code io.github.nettyaio.file..};</li>
 *   <li>handler and channel, side by side: {@code io.github.nettyaio.handler..}, {@code ..channel..};</li>
 *   <li>http: {@code io.github.nettyaio.http..} (netty-aio-http);</li>
 *   <li>examples: {@code io.github.nettyaio.examples..}.</li>
 * </ol>
 * A component may use only the ones below it; handler and channel don't use each other (what both need lives in
 * {@code internal} or {@code file}); nothing but the examples uses the examples, and they use API packages only;
 * no main class uses the benchmarks, the testsuite or the test support. There are no cycles between components.
 * Inside a component an API package and its internal packages may use each other (as in Netty, whose API classes
 * use {@code io.netty.util.internal} and back): {@code sys} and {@code sys.internal}, the root and
 * {@code internal}. Between all the other packages there are no cycles either ({@link #noPackageCycles}).
 * Runs on JUnit's thread; a broken rule fails with ArchUnit's list of the offending dependencies.
 *
 * <p>It is critical that every new package is placed in one of these components (a package in none is checked by
 * no layer rule): {@link #everyPackageIsInAComponent} fails for one that isn't.
 */
class LayeringTest {
    private static final String ROOT = "io.github.nettyaio";
    private static final String SYS = "sys";
    private static final String SEED = "seed";
    private static final String SOURCE = "source";
    private static final String FILE = "file";
    private static final String HANDLER = "handler";
    private static final String CHANNEL = "channel";
    private static final String HTTP = "http";
    private static final String EXAMPLES = "examples";

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        // Only netty-aio's own classes are checked: Netty's and the JDK's, which they use, stay unresolved names.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        // The sibling modules' classes come as directories or jars (as the reactor resolved them); the test
        // support jar is test code, although it is main code of its own module.
        mainClasses = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/io/github/nettyaio/testing/"))
                .importPackages(ROOT);
    }

    /**
     * The component of a package of netty-aio, or null for one in none. {@code io.github.nettyaio.testing} and
     * the testsuite hold test classes only, and the benchmarks' classes are not on this class path.
     */
    static String component(String pkg) {
        if (pkg.equals(ROOT) || pkg.equals(ROOT + ".internal") || pkg.startsWith(ROOT + ".internal.")) {
            return SEED;
        }
        for (String name : new String[] {SYS, SOURCE, FILE, HANDLER, CHANNEL, HTTP, EXAMPLES}) {
            if (pkg.equals(ROOT + "." + name) || pkg.startsWith(ROOT + "." + name + ".")) {
                return name;
            }
        }
        return null;
    }

    @Test
    void mainClassesOfEveryModuleAreImported() {
        for (String pkg : new String[] {ROOT + ".sys", ROOT, ROOT + ".file", ROOT + ".http", ROOT + ".examples"}) {
            assertTrue(mainClasses.containPackage(pkg), "no main classes of " + pkg + " on the class path");
        }
    }

    @Test
    void everyPackageIsInAComponent() {
        classes().should(new ArchCondition<JavaClass>("be in a component") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (component(item.getPackageName()) == null) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is in no component"));
                }
            }
        }).check(mainClasses);
    }

    @Test
    void lowerLayersNeverUseHigherOnes() {
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer(SYS).definedBy(ROOT + ".sys..")
                .layer(SEED).definedBy(ROOT, ROOT + ".internal..")
                .layer(SOURCE).definedBy(ROOT + ".source..")
                .layer(FILE).definedBy(ROOT + ".file..")
                .layer(HANDLER).definedBy(ROOT + ".handler..")
                .layer(CHANNEL).definedBy(ROOT + ".channel..")
                .layer(HTTP).definedBy(ROOT + ".http..")
                .layer(EXAMPLES).definedBy(ROOT + ".examples..")
                .whereLayer(SYS).mayNotAccessAnyLayer()
                .whereLayer(SEED).mayOnlyAccessLayers(SYS)
                .whereLayer(SOURCE).mayOnlyAccessLayers(SYS, SEED)
                .whereLayer(FILE).mayOnlyAccessLayers(SYS, SEED, SOURCE)
                .whereLayer(HANDLER).mayOnlyAccessLayers(SYS, SEED, SOURCE, FILE)
                .whereLayer(CHANNEL).mayOnlyAccessLayers(SYS, SEED, SOURCE, FILE)
                .whereLayer(HTTP).mayOnlyAccessLayers(SYS, SEED, SOURCE, FILE, HANDLER, CHANNEL)
                .whereLayer(EXAMPLES).mayNotBeAccessedByAnyLayer()
                .check(mainClasses);
    }

    @Test
    void noCyclesBetweenComponents() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = component(javaClass.getPackageName());
                return name == null ? SliceIdentifier.ignore() : SliceIdentifier.of(name);
            }

            @Override
            public String getDescription() {
                return "netty-aio's components";
            }
        }).should().beFreeOfCycles().check(mainClasses);
    }

    /**
     * No cycles between packages, an API package and its internal packages counted as one (see the class
     * description): {@code sys.internal} goes with {@code sys}; {@code internal} and {@code internal.driver} with
     * the root. Every other package stands alone (so also a sub-package of {@code http}).
     */
    @Test
    void noPackageCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                if (component(pkg) == null) {
                    return SliceIdentifier.ignore();
                }
                int internal = (pkg + ".").indexOf(".internal.");
                return SliceIdentifier.of(internal < 0 ? pkg : pkg.substring(0, internal));
            }

            @Override
            public String getDescription() {
                return "netty-aio's packages, each API package with its internal one";
            }
        }).should().beFreeOfCycles().check(mainClasses);
    }

    @Test
    void examplesUseApiPackagesOnly() {
        noClasses().that().resideInAPackage(ROOT + ".examples..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + "..internal..")
                .because("the examples show what a user writes, and users may use only API packages")
                .check(mainClasses);
    }

    @Test
    void handlerAndChannelDontUseEachOther() {
        noClasses().that().resideInAPackage(ROOT + ".handler..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".channel..")
                .check(mainClasses);
        noClasses().that().resideInAPackage(ROOT + ".channel..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".handler..")
                .check(mainClasses);
    }

    @Test
    void nothingUsesBenchmarksTestsuiteOrTestSupport() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(ROOT + ".benchmarks..",
                        ROOT + ".testsuite..", ROOT + ".testing..")
                .because("benchmarks, the testsuite and the test support are never shipped")
                .check(mainClasses);
    }
}
