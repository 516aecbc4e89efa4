/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --engine}: bodies and uploads through each Linux engine (over HTTPS, on the best transport), and
 * {@code --idle-timeout}.
 */
class EnginesTest {
    private static byte[] file;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "the engines named here are Linux's");
        file = TestServers.createFile(dir, "f.bin", (1 << 20) + 17);
    }

    @ParameterizedTest
    @EnumSource(value = AioEngine.class, names = {"IO_URING", "POSIX_AIO", "BLOCKING"})
    void servesAndStoresThroughEachEngine(AioEngine engine) throws Exception {
        assumeTrue(engine != AioEngine.IO_URING || IoUring.isAvailable(), "io_uring is not available");
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { })
                .engine(engine))) {
            HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, "https", "/f.bin"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(file, r.body());
            HttpResponse<byte[]> part = client().send(HttpRequest.newBuilder(uri(s, "https", "/f.bin"))
                    .header("Range", "bytes=-70000").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertArrayEquals(Arrays.copyOfRange(file, file.length - 70000, file.length), part.body());
            byte[] data = TestServers.randomBytes(300_001);
            String name = "up-" + engine + ".bin";
            HttpResponse<byte[]> put = client().send(HttpRequest.newBuilder(uri(s, "https", "/" + name))
                    .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(201, put.statusCode());
            assertArrayEquals(data, Files.readAllBytes(dir.resolve(name)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class)
    void closesIdleConnections(Transport t) throws Exception {
        assumeTrue(t.isAvailable(), t + " is not available");
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).idleTimeoutSeconds(1));
             Socket sock = TestServers.connect(s, "http")) {
            TestServers.send(sock, "GET /f.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertArrayEquals(file, TestServers.readResponse(in, false).body);
            assertEquals(-1, in.read(), "closed once idle (the socket's read timeout is " + TIMEOUT + ")");
        }
    }
}
