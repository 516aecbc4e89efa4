/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.StructField;
import io.github.nettyaio.sys.internal.StructLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ABI fact tables ({@code layouts.tsv}, {@code constants.tsv}) among this module's test resources and the
 * comparison of an {@link Abi} against them: {@code abi/} (FreeBSD and glibc, from their headers and checked
 * with cross-compilers; its {@code README.md} says how) and {@code abi-macos/} (macOS, from XNU's headers).
 * Both are read from the test class path, so they work from this module's classes and from its test-jar.
 */
public final class AbiTables {
    /** System property: a directory whose {@code layouts.tsv}/{@code constants.tsv} replace {@code abi/}'s. */
    public static final String DIR_PROPERTY = "nettyaio.abi.dir";
    /** The class path folder of the FreeBSD and glibc tables. */
    private static final String MAIN = "abi";
    /** The class path folder of the macOS tables. */
    private static final String MACOS = "abi-macos";

    /** {@code platform → "struct.field" → {offset, size}}. */
    private final Map<String, Map<String, long[]>> layouts;
    /** {@code platform → name → value text} ({@code "n/a"} for undefined). */
    private final Map<String, Map<String, String>> constants;

    private AbiTables(Map<String, Map<String, long[]>> layouts, Map<String, Map<String, String>> constants) {
        this.layouts = layouts;
        this.constants = constants;
    }

    /**
     * The lines of {@code file} ({@code "layouts.tsv"} or {@code "constants.tsv"}) of the FreeBSD and glibc tables:
     * from {@code -Dnettyaio.abi.dir} when set, else the {@code abi/} test resource.
     */
    public static List<String> mainTable(String file) throws IOException {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null) {
            return Files.readAllLines(Paths.get(dir).resolve(file), StandardCharsets.UTF_8);
        }
        return resource(MAIN, file);
    }

    /**
     * Loads the FreeBSD and glibc tables ({@link #mainTable}) plus the macOS ones ({@code abi-macos/} among the
     * test resources: read from XNU's headers and checked with clang's macOS targets, never run).
     */
    public static AbiTables load() throws IOException {
        AbiTables main = parse(mainTable("layouts.tsv"), mainTable("constants.tsv"));
        AbiTables macos = parse(resource(MACOS, "layouts.tsv"), resource(MACOS, "constants.tsv"));
        for (String platform : macos.platforms()) {
            if (main.platforms().contains(platform)) {
                throw new IllegalStateException(platform + " is in abi/ and abi-macos/");
            }
        }
        main.layouts.putAll(macos.layouts);
        main.constants.putAll(macos.constants);
        return main;
    }

    /** The lines of the test resource {@code folder/file}. */
    private static List<String> resource(String folder, String file) throws IOException {
        String name = "/" + folder + "/" + file;
        try (InputStream in = AbiTables.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the test class path"
                        + " (netty-aio-native/src/test/resources" + name + ")");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
            return lines;
        }
    }

    /** Loads {@code layouts.tsv} and {@code constants.tsv} from {@code dir}. */
    public static AbiTables load(Path dir) throws IOException {
        return parse(Files.readAllLines(dir.resolve("layouts.tsv"), StandardCharsets.UTF_8),
                Files.readAllLines(dir.resolve("constants.tsv"), StandardCharsets.UTF_8));
    }

    private static AbiTables parse(List<String> layoutLines, List<String> constantLines) {
        Map<String, Map<String, long[]>> layouts = new HashMap<>();
        for (String[] row : rows(layoutLines)) {
            // platform, struct, field, offset, size, c_type, verified_by
            layouts.computeIfAbsent(row[0], k -> new HashMap<>())
                    .put(row[1] + "." + row[2], new long[] {Long.parseLong(row[3]), Long.parseLong(row[4])});
        }
        Map<String, Map<String, String>> constants = new HashMap<>();
        for (String[] row : rows(constantLines)) {
            // platform, name, value, note, verified_by
            constants.computeIfAbsent(row[0], k -> new HashMap<>()).put(row[1], row[2]);
        }
        return new AbiTables(layouts, constants);
    }

    /** The platforms the tables describe. */
    public java.util.Set<String> platforms() {
        java.util.Set<String> s = new java.util.TreeSet<>(layouts.keySet());
        s.addAll(constants.keySet());
        return s;
    }

    /** How many facts (layout rows + constant rows) the tables hold for {@code platform}. */
    public int factCount(String platform) {
        return layouts.getOrDefault(platform, Map.of()).size() + constants.getOrDefault(platform, Map.of()).size();
    }

    /**
     * Compares every layout (size, alignment, every field's offset and size) and every constant of
     * {@code abi} with the tables.
     *
     * @return one line per disagreement; empty when everything matches
     */
    public List<String> mismatches(Abi abi) {
        List<String> out = new ArrayList<>();
        String id = abi.id();
        Map<String, long[]> l = layouts.get(id);
        Map<String, String> theirTable = constants.get(id);
        if (l == null || theirTable == null) {
            out.add(id + ": no rows in the tables");
            return out;
        }
        List<StructLayout> structs = structs(abi);
        for (StructLayout s : structs) {
            if (!describes(l, s.cName())) {
                continue; // reported by unverifiedStructs()
            }
            check(out, id, s.cName() + ".(total)", l, 0, s.size());
            check(out, id, s.cName() + ".(align)", l, 0, s.align());
            for (StructField f : s.fields()) {
                check(out, id, s.cName() + "." + f.cName(), l, f.offset(), f.size());
            }
        }
        for (Map.Entry<String, Integer> e : abi.constants().asMap().entrySet()) {
            String name = e.getKey();
            int ours = e.getValue();
            String theirs = theirTable.get(name);
            if (!AbiConstants.defined(ours)) {
                if (theirs != null && !theirs.equals("n/a")) {
                    out.add(id + ": " + name + " is undefined in code but " + theirs + " in constants.tsv");
                }
            } else if (theirs == null) {
                out.add(id + ": " + name + " = " + ours + " in code has no row in constants.tsv");
            } else if (theirs.equals("n/a")) {
                out.add(id + ": " + name + " = " + ours + " in code but n/a in constants.tsv");
            } else if (Long.parseLong(theirs) != ours) {
                out.add(id + ": " + name + " = " + ours + " in code but " + theirs + " in constants.tsv");
            }
        }
        return out;
    }

    /**
     * The structures {@code abi} uses that the tables do not describe at all for its platform (so
     * {@link #mismatches} could not check them), as {@code "platform:struct"}.
     */
    public List<String> unverifiedStructs(Abi abi) {
        List<String> out = new ArrayList<>();
        Map<String, long[]> l = layouts.getOrDefault(abi.id(), Map.of());
        List<StructLayout> structs = structs(abi);
        for (StructLayout s : structs) {
            if (!describes(l, s.cName())) {
                out.add(abi.id() + ":" + s.cName());
            }
        }
        return out;
    }

    /** The structures {@code abi} uses. */
    private static List<StructLayout> structs(Abi abi) {
        List<StructLayout> structs = new ArrayList<>(List.of(abi.aiocb(), abi.sigevent(), abi.iovec(), abi.timespec()));
        if (abi.hasFstat()) {
            structs.add(abi.stat());
        }
        if (abi.hasKqueue()) {
            structs.add(abi.kevent());
        }
        return structs;
    }

    private static boolean describes(Map<String, long[]> table, String struct) {
        String prefix = struct + ".";
        for (String key : table.keySet()) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The value of constant {@code name} for {@code platform} in the table, or null. */
    public String constant(String platform, String name) {
        return constants.getOrDefault(platform, Map.of()).get(name);
    }

    private static void check(List<String> out, String id, String key, Map<String, long[]> table, long offset,
            long size) {
        long[] row = table.get(key);
        if (row == null) {
            out.add(id + ": " + key + " has no row in layouts.tsv");
        } else if (row[0] != offset || row[1] != size) {
            out.add(id + ": " + key + " is offset " + offset + " size " + size + " in code but offset "
                    + row[0] + " size " + row[1] + " in layouts.tsv");
        }
    }

    private static List<String[]> rows(List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        boolean header = true;
        for (String line : lines) {
            if (header) {
                header = false;
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            rows.add(line.split("\t", -1));
        }
        return rows;
    }
}
