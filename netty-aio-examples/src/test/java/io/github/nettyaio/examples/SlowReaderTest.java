/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A large body to a client that stops reading must neither stall the event loop nor be buffered whole: on a
 * server with one event loop, many small requests complete while the large transfer waits for its reader, and
 * the large body arrives intact once the reader goes on.
 */
class SlowReaderTest {
    private static final int SMALL_REQUESTS = 60;
    private static byte[] big;
    private static byte[] small;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        // Larger than the socket buffers on both sides can hold, so the transfer must wait for the reader.
        long buffers = maxOf("/proc/sys/net/ipv4/tcp_wmem") + maxOf("/proc/sys/net/ipv4/tcp_rmem");
        big = TestServers.createFile(dir, "big.bin", (int) Math.max(24 << 20, 3 * buffers));
        small = TestServers.createFile(dir, "small.bin", 2000);
    }

    private static long maxOf(String sysctl) throws Exception {
        Path p = Paths.get(sysctl);
        if (!Files.exists(p)) {
            return 8 << 20;
        }
        String[] v = Files.readString(p).trim().split("\\s+");
        return Long.parseLong(v[v.length - 1]);
    }

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void smallRequestsCompleteWhileALargeBodyWaitsForItsReader(Transport t, String scheme) throws Exception {
        LinkedBlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, t, log::add).threads(1));
             Socket slow = slowSocket(s, scheme)) {
            TestServers.send(slow, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = slow.getInputStream();
            TestServers.RawResponse head = TestServers.readResponse(in, true);
            assertEquals(200, head.status);
            assertEquals(String.valueOf(big.length), head.header("content-length"));
            byte[] first = in.readNBytes(64 * 1024); // the transfer has started; now stop reading

            List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < SMALL_REQUESTS; i++) {
                all.add(client().sendAsync(HttpRequest.newBuilder(uri(s, scheme, "/small.bin?i=" + i))
                        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (CompletableFuture<HttpResponse<byte[]>> f : all) {
                HttpResponse<byte[]> r = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertArrayEquals(small, r.body());
            }
            List<String> lines = new ArrayList<>(log);
            assertFalse(lines.stream().anyMatch(l -> l.contains(" /big.bin 200")),
                    "the large body can't be complete while its reader is stalled: " + lines);

            byte[] rest = in.readNBytes(big.length - first.length);
            assertEquals(big.length - first.length, rest.length);
            byte[] whole = Arrays.copyOf(first, big.length);
            System.arraycopy(rest, 0, whole, first.length, rest.length);
            assertArrayEquals(big, whole, "the large body, read after the pause");
        }
    }

    private static Socket slowSocket(HttpFileServer s, String scheme) throws Exception {
        if (scheme.equals("https")) {
            return TestServers.connect(s, scheme);
        }
        Socket sock = new Socket();
        sock.setReceiveBufferSize(64 * 1024);
        sock.setSoTimeout((int) TIMEOUT.toMillis());
        sock.connect(new InetSocketAddress("127.0.0.1", s.httpPort()), (int) TIMEOUT.toMillis());
        return sock;
    }
}
