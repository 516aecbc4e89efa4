/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.github.nettyaio.sys.Abi;
import io.github.nettyaio.sys.AbiConstants;
import io.github.nettyaio.sys.StructField;
import io.github.nettyaio.sys.StructLayout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ABI fact tables of {@code shared/abi/} ({@code layouts.tsv}, {@code constants.tsv}) and the
 * comparison of an {@link Abi} against them.
 */
public final class AbiTables {
    /** {@code platform → "struct.field" → {offset, size}}. */
    private final Map<String, Map<String, long[]>> layouts;
    /** {@code platform → name → value text} ({@code "n/a"} for undefined). */
    private final Map<String, Map<String, String>> constants;

    private AbiTables(Map<String, Map<String, long[]>> layouts, Map<String, Map<String, String>> constants) {
        this.layouts = layouts;
        this.constants = constants;
    }

    /**
     * Finds {@code shared/abi} beside the project: {@code -Dnettyaio.abi.dir}, else the first ancestor of
     * the working directory (the module) or of {@code -Dnettyaio.root} that has {@code shared/abi/layouts.tsv}.
     *
     * @throws IllegalStateException if no such directory exists
     */
    public static Path locate() {
        String explicit = System.getProperty("nettyaio.abi.dir");
        if (explicit != null) {
            return Paths.get(explicit);
        }
        List<Path> starts = new ArrayList<>();
        starts.add(Paths.get("").toAbsolutePath());
        String root = System.getProperty("nettyaio.root");
        if (root != null) {
            starts.add(Paths.get(root).toAbsolutePath());
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve("shared").resolve("abi");
                if (Files.isRegularFile(candidate.resolve("layouts.tsv"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("shared/abi/layouts.tsv not found above " + starts
                + "; the ABI tables are expected at ../shared/abi from the project root");
    }

    /**
     * Loads the tables from {@link #locate()}, plus this project's own tables for platforms {@code shared/abi}
     * doesn't describe ({@code abi-macos/} among the test resources: macOS, read from XNU's headers and checked
     * with clang's macOS targets, never run).
     */
    public static AbiTables load() throws IOException {
        AbiTables shared = load(locate());
        java.net.URL own = AbiTables.class.getResource("/abi-macos/layouts.tsv");
        if (own == null) {
            throw new IllegalStateException("abi-macos/layouts.tsv missing from the test resources");
        }
        AbiTables macos;
        try {
            macos = load(Paths.get(own.toURI()).getParent());
        } catch (java.net.URISyntaxException | java.nio.file.FileSystemNotFoundException e) {
            throw new IOException("abi-macos tables not readable at " + own, e);
        }
        for (String platform : macos.platforms()) {
            if (shared.platforms().contains(platform)) {
                throw new IllegalStateException(platform + " is in shared/abi and abi-macos");
            }
        }
        shared.layouts.putAll(macos.layouts);
        shared.constants.putAll(macos.constants);
        return shared;
    }

    /** Loads {@code layouts.tsv} and {@code constants.tsv} from {@code dir}. */
    public static AbiTables load(Path dir) throws IOException {
        Map<String, Map<String, long[]>> layouts = new HashMap<>();
        for (String[] row : rows(dir.resolve("layouts.tsv"))) {
            // platform, struct, field, offset, size, c_type, verified_by
            layouts.computeIfAbsent(row[0], k -> new HashMap<>())
                    .put(row[1] + "." + row[2], new long[] {Long.parseLong(row[3]), Long.parseLong(row[4])});
        }
        Map<String, Map<String, String>> constants = new HashMap<>();
        for (String[] row : rows(dir.resolve("constants.tsv"))) {
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
        Map<String, String> c = constants.get(id);
        if (l == null || c == null) {
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
            String theirs = c.get(name);
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

    private static void check(List<String> out, String id, String key, Map<String, long[]> table, long offset, long size) {
        long[] row = table.get(key);
        if (row == null) {
            out.add(id + ": " + key + " has no row in layouts.tsv");
        } else if (row[0] != offset || row[1] != size) {
            out.add(id + ": " + key + " is offset " + offset + " size " + size + " in code but offset "
                    + row[0] + " size " + row[1] + " in layouts.tsv");
        }
    }

    private static List<String[]> rows(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        boolean header = true;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
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
