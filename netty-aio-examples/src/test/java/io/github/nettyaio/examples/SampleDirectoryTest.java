/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a directory the server serves a temporary directory of samples, never the working directory: the
 * samples are served, an upload lands there, the directory is gone after {@code close()}, and the working
 * directory is as it was.
 */
class SampleDirectoryTest {
    @TempDir
    Path scratch;

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> out = new TreeSet<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }

    @Test
    void withoutADirectoryTheServerServesSamplesAndWritesNothingInTheWorkingDirectory() throws Exception {
        Path cwd = Paths.get("").toAbsolutePath().toRealPath();
        Set<String> before = names(cwd);
        Path root;
        HttpFileServerConfig config = new HttpFileServerConfig().transport(Transport.best()).httpPort(0)
                .httpsPort(0).threads(2).tls(TestServers.tls()).accessLog(line -> { });
        try (HttpFileServer server = HttpFileServer.start(config)) {
            root = server.directory().root();
            assertFalse(root.startsWith(cwd), root + " is inside the working directory " + cwd);
            assertTrue(root.startsWith(Paths.get(System.getProperty("java.io.tmpdir")).toRealPath()), root.toString());
            assertTrue(server.describe().contains(root.toString()), server.describe());
            assertTrue(server.describe().contains("--dir"), server.describe());
            for (String scheme : new String[] {"http", "https"}) {
                assertEquals(SampleDirectory.HELLO, client().send(HttpRequest.newBuilder(uri(server, scheme,
                        "/hello.txt")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body());
                HttpResponse<byte[]> bin = client().send(HttpRequest.newBuilder(uri(server, scheme, "/sample.bin"))
                        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, bin.statusCode());
                assertArrayEquals(SampleDirectory.binary(), bin.body());
                assertEquals(SampleDirectory.BINARY_SIZE, bin.body().length);
                String html = client().send(HttpRequest.newBuilder(uri(server, scheme, "/sample.html"))
                        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(html.contains("<html>"), html);
                String listing = client().send(HttpRequest.newBuilder(uri(server, scheme, "/")).timeout(TIMEOUT)
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String name : SampleDirectory.FILES) {
                    assertTrue(listing.contains(name), listing);
                }
            }
            HttpResponse<String> put = client().send(HttpRequest.newBuilder(uri(server, "https", "/uploaded.txt"))
                    .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString("uploaded\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode());
            assertEquals("uploaded\n", Files.readString(root.resolve("uploaded.txt"), StandardCharsets.UTF_8));
            assertFalse(Files.exists(cwd.resolve("uploaded.txt")));
        }
        assertFalse(Files.exists(root), "the temporary directory was deleted at close, the upload with it");
        assertEquals(before, names(cwd), "the working directory changed");
    }

    @Test
    void deletingTheSamplesNeverFollowsALinkOut() throws Exception {
        Path outside = Files.writeString(scratch.resolve("keep.txt"), "keep\n");
        Path outsideDir = Files.createDirectory(scratch.resolve("keep-dir"));
        Files.writeString(outsideDir.resolve("inner.txt"), "inner\n");
        SampleDirectory samples = SampleDirectory.create();
        Path root = samples.root();
        assertEquals(Set.copyOf(SampleDirectory.FILES), names(root));
        Files.createSymbolicLink(root.resolve("link-file"), outside);
        Files.createSymbolicLink(root.resolve("link-dir"), outsideDir);
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.writeString(root.resolve("sub/deeper/x.txt"), "x\n");
        samples.delete();
        samples.delete();                  // idempotent
        assertFalse(Files.exists(root));
        assertEquals("keep\n", Files.readString(outside));
        assertEquals("inner\n", Files.readString(outsideDir.resolve("inner.txt")));
    }
}
