/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code curl} (where installed) against the server over HTTPS with {@code -k}, as the README shows. */
class CurlTest {
    private static HttpFileServer server;
    private static byte[] file;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(curlInstalled(), "curl is not installed");
        file = TestServers.createFile(dir, "data.bin", (3 << 20) + 5);
        server = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { }));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static boolean curlInstalled() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs curl with {@code args}; returns its standard output, failing on a non-zero exit. */
    private static byte[] curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "20"));
        cmd.addAll(Arrays.asList(args));
        Path err = Files.createTempFile(dir, "curl", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, p.exitValue(), "curl " + cmd + ": " + Files.readString(err));
        return out;
    }

    private static String https(String path) {
        return "https://127.0.0.1:" + server.httpsPort() + path;
    }

    @Test
    void fetchesOverHttpsWithInsecureFlag() throws Exception {
        assertArrayEquals(file, curl("-k", https("/data.bin")));
        assertArrayEquals(Arrays.copyOfRange(file, 100, 1100), curl("-k", "-r", "100-1099", https("/data.bin")));
        String listing = new String(curl("-k", https("/")), StandardCharsets.UTF_8);
        assertEquals(true, listing.contains("data.bin"), listing);
    }

    @Test
    void uploadsOverHttps() throws Exception {
        byte[] data = TestServers.randomBytes((2 << 20) + 3);
        Path src = dir.resolve("upload-src.tmp");
        Files.write(src, data);
        curl("-k", "-T", src.toString(), https("/uploaded.bin")); // curl sends Expect: 100-continue here
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("uploaded.bin")));
    }
}
