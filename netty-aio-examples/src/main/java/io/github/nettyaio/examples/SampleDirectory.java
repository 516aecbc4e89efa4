/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Random;

/**
 * What {@link HttpFileServer} serves when no directory is given: a new directory under the system's temporary
 * directory ({@code java.io.tmpdir}) holding a few sample files, so that trying the server (uploads included)
 * never touches the working directory. {@link #delete()} removes the directory and whatever is in it then (the
 * samples, and files uploaded into it), without following symbolic links out of it.
 *
 * <p>Touches the disk: create and delete it off the event loops.
 */
final class SampleDirectory {
    /** The names of the sample files. */
    static final List<String> FILES = List.of("hello.txt", "sample.html", "sample.bin");
    /** The size of {@code sample.bin}: 1 MiB. */
    static final int BINARY_SIZE = 1 << 20;
    /** The contents of {@code hello.txt}. */
    static final String HELLO = "Hello from netty-aio's example file server!\n";

    private final Path root;

    private SampleDirectory(Path root) {
        this.root = root;
    }

    /**
     * Makes a new temporary directory ({@code netty-aio-samples-*}) holding {@code hello.txt}, {@code sample.html}
     * and a 1 MiB {@code sample.bin} of pseudo-random bytes (the same on every run).
     *
     * @throws IOException the directory or a file can't be made (what was made is deleted again)
     */
    static SampleDirectory create() throws IOException {
        SampleDirectory d = new SampleDirectory(Files.createTempDirectory("netty-aio-samples-"));
        try {
            Files.writeString(d.root.resolve("hello.txt"), HELLO);
            Files.writeString(d.root.resolve("sample.html"), String.join("\n",
                    "<!DOCTYPE html>",
                    "<html><head><meta charset=\"utf-8\"><title>netty-aio sample</title></head>",
                    "<body><h1>netty-aio</h1><p>Served by <code>HttpFileServer</code> through",
                    "<code>ChunkedAioFile</code>. <a href=\"/\">All files</a></p></body></html>",
                    ""), StandardCharsets.UTF_8);
            Files.write(d.root.resolve("sample.bin"), binary());
        } catch (IOException | RuntimeException e) {
            try {
                d.delete();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return d;
    }

    /** The bytes of {@code sample.bin}. */
    static byte[] binary() {
        byte[] b = new byte[BINARY_SIZE];
        new Random(0x6e657474L).nextBytes(b);
        return b;
    }

    /** The directory. */
    Path root() {
        return root;
    }

    /**
     * Deletes the directory and everything in it; a symbolic link inside is removed, never followed. Idempotent.
     *
     * @throws IOException something could not be deleted
     */
    void delete() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;   // gone meanwhile
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
