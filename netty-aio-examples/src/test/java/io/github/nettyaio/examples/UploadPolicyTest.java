/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upload policy of HttpFileServer over real sockets: the size limit (a declared {@code Content-Length} and a
 * chunked body counted as it arrives), {@code --read-only}, the start-up warning for uploads on a non-loopback
 * address, the directory sync after the rename, and pipelined requests behind an upload large enough to pause
 * reading for backpressure.
 */
class UploadPolicyTest {
    private static final int LIMIT = 1000;
    private static final Map<Transport, HttpFileServer> LIMITED = new EnumMap<>(Transport.class);

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        TestServers.createFile(dir, "small.bin", 3000);
    }

    @AfterAll
    static void stop() {
        LIMITED.values().forEach(HttpFileServer::close);
        LIMITED.clear();
    }

    static synchronized HttpFileServer limited(Transport t) throws Exception {
        HttpFileServer s = LIMITED.get(t);
        if (s == null) {
            s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).maxUploadBytes(LIMIT));
            LIMITED.put(t, s);
        }
        return s;
    }

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    private static List<Path> tempFiles() throws Exception {
        try (var names = Files.list(dir)) {
            return names.filter(n -> n.getFileName().toString().endsWith(TestServers.UPLOAD_SUFFIX)).toList();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aDeclaredLengthOverTheLimitIs413WithoutReadingTheBody(Transport t, String scheme) throws Exception {
        HttpFileServer s = limited(t);
        String name = "declared-" + t + "-" + scheme + ".bin";
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "PUT /" + name + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");
            InputStream in = sock.getInputStream();
            TestServers.RawResponse r = TestServers.readResponse(in, false);
            assertEquals(413, r.status);
            assertEquals("close", r.header("connection"));
            assertEquals(-1, in.read(), "the unread body is not waited for: the connection closes");
        }
        assertFalse(Files.exists(dir.resolve(name)));
        // At the limit exactly: stored.
        byte[] data = TestServers.randomBytes(LIMIT);
        HttpResponse<byte[]> ok = client().send(HttpRequest.newBuilder(uri(s, scheme, "/" + name)).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, ok.statusCode());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve(name)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aChunkedBodyIsCutOffWith413OnceItExceedsTheLimit(Transport t, String scheme) throws Exception {
        HttpFileServer s = limited(t);
        String name = "chunked-" + t + "-" + scheme + ".bin";
        String chunk = "258\r\n" + "x".repeat(600) + "\r\n"; // 0x258 = 600 bytes
        try (Socket sock = TestServers.connect(s, scheme)) {
            // 1200 bytes and no end: the server must answer without waiting for the rest.
            TestServers.send(sock, "PUT /" + name + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk + chunk);
            InputStream in = sock.getInputStream();
            TestServers.RawResponse r = TestServers.readResponse(in, false);
            assertEquals(413, r.status);
            assertEquals(-1, in.read(), "the connection closes after the 413");
            // The temporary file was deleted before the answer.
            assertEquals(List.of(), tempFiles());
        }
        assertFalse(Files.exists(dir.resolve(name)));
        // Within the limit, chunked: stored.
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "PUT /" + name + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk + "0\r\n\r\n");
            assertEquals(201, TestServers.readResponse(sock.getInputStream(), false).status);
        }
        assertEquals("x".repeat(600), Files.readString(dir.resolve(name)));
    }

    @Test
    void readOnlyRefusesUploadsWith405() throws Exception {
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { })
                .readOnly(true))) {
            for (String scheme : new String[] {"http", "https"}) {
                HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, "/ro.txt"))
                        .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString("abc")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(405, r.statusCode());
                assertEquals("GET, HEAD", r.headers().firstValue("allow").orElse(null));
                HttpResponse<byte[]> get = client().send(HttpRequest.newBuilder(uri(s, scheme, "/small.bin"))
                        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, get.statusCode(), "reading still works");
            }
            assertFalse(Files.exists(dir.resolve("ro.txt")));
            assertEquals(List.of(), tempFiles());
            assertNull(HttpFileServer.uploadWarning(TestServers.config(dir, Transport.best(), l -> { })
                    .readOnly(true).bindAddress("0.0.0.0")), "no warning when uploads are off");
        }
    }

    @Test
    void warnsAtStartUpAboutUploadsOnANonLoopbackAddress() throws Exception {
        // Only the configuration is examined: nothing binds to these addresses.
        for (String address : new String[] {"0.0.0.0", "::", "192.0.2.1"}) {
            String w = HttpFileServer.uploadWarning(new HttpFileServerConfig().bindAddress(address));
            assertNotNull(w, address);
            assertTrue(w.startsWith("WARNING") && w.contains(address), w);
        }
        for (String address : new String[] {"127.0.0.1", "::1", "127.1.2.3"}) {
            assertNull(HttpFileServer.uploadWarning(new HttpFileServerConfig().bindAddress(address)), address);
        }
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { }))) {
            assertFalse(s.describe().contains("WARNING"), s.describe());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void syncsTheDirectoryBeforeAcknowledgingAnUpload(Transport t, String scheme) throws Exception {
        HttpFileServer s = limited(t);
        long before = s.directory().directorySyncs();
        HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, "/synced-" + t + scheme))
                .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString("durable")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, r.statusCode());
        assertEquals(before + 1, s.directory().directorySyncs(), "the rename's directory was synced before 201");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void pipelinedRequestsBehindALargeUploadAreAnsweredInOrder(Transport t, String scheme) throws Exception {
        // 9 MiB: above the write handler's high-water mark, so the upload pauses reading for backpressure while
        // the pipelined requests behind it pause it for pipelining; every answer must still come, in order.
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).threads(1));
             Socket sock = TestServers.connect(s, scheme)) {
            byte[] body = TestServers.randomBytes(9 << 20);
            String name = "pipelined-" + t + "-" + scheme + ".bin";
            OutputStream out = sock.getOutputStream();
            InputStream in = sock.getInputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(("PUT /" + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    StringBuilder more = new StringBuilder();
                    for (int i = 0; i < 20; i++) {
                        more.append("GET /").append(i % 2 == 0 ? name : "small.bin").append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                    }
                    out.write(more.toString().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "pipelined-writer");
            writer.setDaemon(true);
            writer.start();
            assertEquals(201, TestServers.readResponse(in, false).status);
            byte[] small = Files.readAllBytes(dir.resolve("small.bin"));
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestServers.RawResponse r = TestServers.readResponse(in, false);
                statuses.add(r.status);
                assertArrayEquals(i % 2 == 0 ? body : small, r.body, "response " + i);
            }
            writer.join(TIMEOUT.toMillis());
            assertFalse(writer.isAlive());
            assertEquals(20, statuses.size());
        }
    }
}
