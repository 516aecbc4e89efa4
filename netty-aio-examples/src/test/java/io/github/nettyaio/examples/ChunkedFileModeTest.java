/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --chunked-file}: the same server with Netty's blocking {@code ChunkedFile} bodies serves correctly. */
class ChunkedFileModeTest {
    private static final int[] SIZES = {0, 1, 8191, (1 << 20) + 17, 8 << 20};
    private static final Map<Transport, HttpFileServer> SERVERS = new EnumMap<>(Transport.class);
    private static final Map<Integer, byte[]> FILES = new HashMap<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        for (int size : SIZES) {
            FILES.put(size, TestServers.createFile(dir, "f" + size + ".bin", size));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(HttpFileServer::close);
        SERVERS.clear();
    }

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    private static synchronized HttpFileServer server(Transport t) throws Exception {
        HttpFileServer s = SERVERS.get(t);
        if (s == null) {
            s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).chunkedFile(true));
            SERVERS.put(t, s);
        }
        return s;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void servesFilesAndRanges(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        for (int size : SIZES) {
            HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, "/f" + size + ".bin"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertArrayEquals(FILES.get(size), r.body(), "size " + size);
        }
        int size = (1 << 20) + 17;
        HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, "/f" + size + ".bin"))
                .header("Range", "bytes=70000-200000").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, r.statusCode());
        assertEquals("bytes 70000-200000/" + size, r.headers().firstValue("content-range").get());
        assertArrayEquals(Arrays.copyOfRange(FILES.get(size), 70000, 200001), r.body());
    }
}
