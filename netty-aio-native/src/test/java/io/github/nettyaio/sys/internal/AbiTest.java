/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import io.github.nettyaio.testing.AbiTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layout and constant the JNA layer uses, for every platform netty-aio claims (including the ones
 * that can't run here), equals the facts in this module's {@code abi/} test resources (macOS: in its
 * {@code abi-macos/}, from XNU's headers, whose layouts {@code src/test/abi/macos-abi.c} checks with clang).
 */
class AbiTest {
    static List<Abi> abis() {
        return Abi.all();
    }

    @Test
    void claimsTheTenPlatforms() {
        Set<String> ids = Abi.all().stream().map(Abi::id).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of(
                "freebsd13-amd64", "freebsd13-arm64", "freebsd14-amd64", "freebsd14-arm64",
                "freebsd15-amd64", "freebsd15-arm64", "linux-glibc-x86_64", "linux-glibc-aarch64",
                "macos-arm64", "macos-x86_64")), ids);
    }

    @Test
    void tablesDescribeEveryClaimedPlatform() throws IOException {
        AbiTables tables = AbiTables.load();
        for (Abi abi : Abi.all()) {
            assertTrue(tables.platforms().contains(abi.id()), abi.id() + " missing from the ABI tables");
            assertTrue(tables.factCount(abi.id()) > 50, abi.id() + " has suspiciously few facts");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abis")
    void layoutsAndConstantsMatchTheTables(Abi abi) throws IOException {
        List<String> mismatches = AbiTables.load().mismatches(abi);
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    /**
     * What the tables don't describe: glibc's {@code struct iovec} ({@code {void *, size_t}} on LP64, checked at
     * run time by {@code PosixAioTest}: a real preadv through it) and {@code struct stat} everywhere (glibc's
     * {@code st_size} is checked at run time by {@code PosixFilesTest}: a real fstat; FreeBSD's is from its
     * headers only; macOS binds none). Nothing else may escape the table comparison.
     */
    @Test
    void onlyIovecOnGlibcAndStatAreUnverifiedByTheTables() throws IOException {
        AbiTables tables = AbiTables.load();
        List<String> unverified = new ArrayList<>();
        for (Abi abi : Abi.all()) {
            unverified.addAll(tables.unverifiedStructs(abi));
        }
        assertEquals(List.of("freebsd13-amd64:stat", "freebsd13-arm64:stat", "freebsd14-amd64:stat",
                "freebsd14-arm64:stat", "freebsd15-amd64:stat", "freebsd15-arm64:stat",
                "linux-glibc-x86_64:iovec", "linux-glibc-x86_64:stat",
                "linux-glibc-aarch64:iovec", "linux-glibc-aarch64:stat"), unverified);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abis")
    void classicErrnoValuesAreTheSameEverywhere(Abi abi) throws IOException {
        AbiTables tables = AbiTables.load();
        int checked = 0;
        for (Map.Entry<Integer, String> e : Errno.classicNames().entrySet()) {
            String value = tables.constant(abi.id(), e.getValue());
            if (value != null) {
                assertEquals(String.valueOf(e.getKey()), value, abi.id() + " " + e.getValue());
                checked++;
            }
        }
        assertTrue(checked >= 8, "only " + checked + " classic errno values are in the tables for " + abi.id());
    }

    /** The comparison can fail: a copy of the tables with one offset and one constant altered is caught. */
    @Test
    void alteredTablesAreCaught(@TempDir Path dir) throws IOException {
        List<String> layouts = new ArrayList<>();
        for (String line : AbiTables.mainTable("layouts.tsv")) {
            // aio_offset of FreeBSD 14 arm64 moves from 8 to 16.
            if (line.startsWith("freebsd14-arm64\taiocb\taio_offset\t8\t")) {
                line = line.replace("\taio_offset\t8\t", "\taio_offset\t16\t");
            }
            layouts.add(line);
        }
        List<String> constants = new ArrayList<>();
        for (String line : AbiTables.mainTable("constants.tsv")) {
            // glibc aarch64's O_DIRECT is wrongly given x86_64's value.
            if (line.startsWith("linux-glibc-aarch64\tO_DIRECT\t65536\t")) {
                line = line.replace("\t65536\t", "\t16384\t");
            }
            constants.add(line);
        }
        Files.write(dir.resolve("layouts.tsv"), layouts, StandardCharsets.UTF_8);
        Files.write(dir.resolve("constants.tsv"), constants, StandardCharsets.UTF_8);
        AbiTables altered = AbiTables.load(dir);

        List<String> bsd = altered.mismatches(Abi.byId("freebsd14-arm64"));
        assertEquals(1, bsd.size(), String.valueOf(bsd));
        assertTrue(bsd.get(0).contains("aiocb.aio_offset"), bsd.get(0));
        List<String> glibc = altered.mismatches(Abi.byId("linux-glibc-aarch64"));
        assertEquals(1, glibc.size(), String.valueOf(glibc));
        assertTrue(glibc.get(0).contains("O_DIRECT"), glibc.get(0));
        assertTrue(altered.mismatches(Abi.byId("freebsd14-amd64")).isEmpty());
    }

    @Test
    void platformDetectionParsesJvmProperties() {
        assertEquals(Platform.Os.FREEBSD, Platform.detectOs("FreeBSD"));
        assertEquals(Platform.Os.LINUX, Platform.detectOs("Linux"));
        assertEquals(Platform.Os.MACOS, Platform.detectOs("Mac OS X"));
        assertEquals(Platform.Os.OTHER, Platform.detectOs("Windows 11"));
        assertEquals("x86_64", Platform.normaliseArch("amd64"));
        assertEquals("aarch64", Platform.normaliseArch("arm64"));
        assertEquals(14, Platform.parseMajor("14.1-RELEASE-p3"));
        assertEquals(6, Platform.parseMajor("6.18.44-fc"));
        assertEquals(0, Platform.parseMajor("unknown"));
    }

    @Test
    void capabilitiesFollowTheData() {
        assertTrue(Abi.byId("freebsd13-amd64").hasKqueueAio());
        assertTrue(Abi.byId("freebsd13-amd64").hasVectoredAio());
        assertFalse(Abi.byId("linux-glibc-x86_64").hasKqueueAio());
        assertFalse(Abi.byId("linux-glibc-x86_64").hasVectoredAio());
        assertFalse(Abi.byId("linux-glibc-x86_64").hasKqueue());
        assertFalse(Abi.byId("linux-glibc-x86_64").hasKernelAio());
        assertTrue(Abi.byId("freebsd14-amd64").hasKernelAio());
        for (String mac : List.of("macos-arm64", "macos-x86_64")) {
            Abi abi = Abi.byId(mac);
            assertTrue(abi.hasKernelAio(), mac);
            assertFalse(abi.hasKqueueAio(), mac);
            assertFalse(abi.hasVectoredAio(), mac);
            assertFalse(abi.hasFstat(), mac);
            assertFalse(AbiConstants.defined(abi.constants().O_DIRECT), mac);
        }
    }
}
