/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Proof that no event loop blocks (issue 16): the real server, started fresh on each transport, answers over HTTP
 * and HTTPS the very first request after start, GETs of a small and a ~1 MiB file, a range, a listing, a PUT
 * (read back), a 404 and a pipelined connection, with BlockHound ({@link LoopBlockHound}) watching every
 * event-loop thread: any blocking call there fails the test with its stack. {@link BlockHoundChunkedFileTest}
 * shows the same watch failing on Netty's blocking {@code ChunkedFile}.
 */
class BlockHoundTest {
    private static final int BIG = (1 << 20) + 17;
    private static byte[] small;
    private static byte[] big;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LoopBlockHound.install();
        small = TestServers.createFile(dir, "small.txt", 1000);
        big = TestServers.createFile(dir, "big.bin", BIG);
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("a.txt"), "a\n");
        Files.createDirectory(dir.resolve("up"));
        TestServers.tls();
        client();
        LoopBlockHound.drain();
    }

    /** Every available transport with the default engine (AUTO), and with the BLOCKING and POSIX_AIO engines. */
    static List<Arguments> transportsAndEngines() {
        List<Arguments> out = new ArrayList<>();
        for (Transport t : Transport.available()) {
            out.add(Arguments.of(t, AioEngine.AUTO));
            out.add(Arguments.of(t, AioEngine.BLOCKING));
            if (System.getProperty("os.name").equals("Linux")) {
                out.add(Arguments.of(t, AioEngine.POSIX_AIO));
            }
        }
        return out;
    }

    /** The watch itself: a sleep on a loop is reported, the same on the disk pool is not. */
    @Test
    void reportsBlockingOnALoopOnly() throws Exception {
        LoopBlockHound.install();
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // A thread like HttpFileService's disk threads: a FastThreadLocalThread of Netty's DefaultThreadFactory
        // that runs no event loop.
        ExecutorService disk = Executors.newSingleThreadExecutor(new DefaultThreadFactory("disk", true));
        try {
            disk.submit(() -> {
                Thread.sleep(1);
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), LoopBlockHound.drain(), "the disk pool may block");
            g.submit(() -> {
                Thread.sleep(1);
                return null;
            }).sync();
            List<LoopBlockHound.Report> r = LoopBlockHound.drain();
            assertEquals(1, r.size(), r.toString());
            assertTrue(r.get(0).method.contains("java.lang.Thread.sleep"), r.toString());
            // What LoopBlockHound marks (a wrong descriptor would silently mark nothing): each is reported on a loop.
            Path f = dir.resolve("small.txt");
            String[][] cases = {
                {"FileChannel.read at a position", "FileDispatcherImpl.pread0"},
                {"FileChannel.read", "FileDispatcherImpl.read0"},
                {"FileChannel.write and force", "FileDispatcherImpl.force0"},
                {"Files.readAttributes", "UnixNativeDispatcher.stat0"},
                {"Path.toRealPath", "UnixNativeDispatcher.realpath0"},
                {"Files.list", "UnixNativeDispatcher.readdir"},
                {"PosixFiles.openPositional", "PosixFiles.open"},
            };
            List<java.util.concurrent.Callable<?>> runs = List.of(
                    () -> {
                        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(f)) {
                            return c.read(java.nio.ByteBuffer.allocate(10), 5);
                        }
                    },
                    () -> {
                        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(f)) {
                            return c.read(java.nio.ByteBuffer.allocate(10));
                        }
                    },
                    () -> {
                        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(
                                dir.resolve("scratch"), java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.WRITE)) {
                            c.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                            c.force(true);
                            return null;
                        }
                    },
                    () -> Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class),
                    () -> f.toRealPath(),
                    () -> {
                        try (var names = Files.list(dir)) {
                            return names.count();
                        }
                    },
                    () -> {
                        io.github.nettyaio.sys.PosixFiles.openPositional(f).close();
                        return null;
                    });
            for (int i = 0; i < cases.length; i++) {
                g.submit(runs.get(i)).sync();
                List<LoopBlockHound.Report> seen = LoopBlockHound.drain();
                String want = cases[i][1];
                assertTrue(seen.stream().anyMatch(x -> x.method.contains(want)),
                        cases[i][0] + " on a loop: expected " + want + " reported, saw " + seen);
            }
        } finally {
            disk.shutdown();
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        LoopBlockHound.drain();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndEngines")
    void noLoopBlocks(Transport t, AioEngine engine) throws Exception {
        LoopBlockHound.drain();
        HttpFileServer s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).engine(engine));
        try {
            noBlocking(t, "start");
            for (String scheme : new String[] {"http", "https"}) {
                String at = engine + " " + scheme + ": ";
                // The very first request on this scheme after start (HTTPS: the first handshake).
                HttpResponse<byte[]> first = get(s, scheme, "/small.txt");
                assertEquals(200, first.statusCode());
                assertArrayEquals(small, first.body());
                noBlocking(t, at + "first request");

                HttpResponse<byte[]> whole = get(s, scheme, "/big.bin");
                assertEquals(200, whole.statusCode());
                assertArrayEquals(big, whole.body());
                noBlocking(t, at + "GET of 1 MiB");

                HttpResponse<byte[]> range = get(s, scheme, "/big.bin", "Range", "bytes=70000-200000");
                assertEquals(206, range.statusCode());
                assertArrayEquals(Arrays.copyOfRange(big, 70000, 200001), range.body());
                noBlocking(t, at + "range");

                HttpResponse<byte[]> list = get(s, scheme, "/sub/");
                assertEquals(200, list.statusCode());
                assertTrue(new String(list.body(), StandardCharsets.UTF_8).contains(">a.txt</a>"));
                noBlocking(t, at + "listing");

                assertEquals(404, get(s, scheme, "/no-such-file").statusCode());
                noBlocking(t, at + "404");

                byte[] data = TestServers.randomBytes(300_001);
                String path = "/up/" + t + "-" + engine + "-" + scheme + ".bin";
                HttpResponse<byte[]> put = client().send(HttpRequest.newBuilder(uri(s, scheme, path))
                        .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(201, put.statusCode());
                assertArrayEquals(data, get(s, scheme, path).body());
                noBlocking(t, at + "PUT and GET back");

                // Pipelined on one raw connection: a file, a 404, a small upload, then its read-back.
                try (Socket sock = TestServers.connect(s, scheme)) {
                    String p = "/up/" + t + "-" + engine + "-" + scheme + "-raw.txt";
                    TestServers.send(sock, "GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "PUT " + p + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                            + "GET " + p + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    InputStream in = sock.getInputStream();
                    assertArrayEquals(small, TestServers.readResponse(in, false).body);
                    assertEquals(404, TestServers.readResponse(in, false).status);
                    assertEquals(201, TestServers.readResponse(in, false).status);
                    assertEquals("hello", new String(TestServers.readResponse(in, false).body, StandardCharsets.UTF_8));
                    assertEquals(-1, in.read());
                }
                noBlocking(t, at + "pipelined connection");
            }
            // What a loop does after a response was sent (access log, closing files and connections) has run by
            // the time close() returns (the loops have terminated): the check after close covers it, no sleep.
        } finally {
            s.close();
        }
        noBlocking(t, "close");
    }

    static HttpResponse<byte[]> get(HttpFileServer s, String scheme, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, scheme, path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Fails with every blocking call made on a loop since the last check, if any. */
    static void noBlocking(Transport t, String step) {
        List<LoopBlockHound.Report> r = LoopBlockHound.drain();
        if (!r.isEmpty()) {
            String all = r.stream().map(String::valueOf).collect(Collectors.joining("\n\n"));
            System.err.println("[BlockHoundTest] " + t + " " + step + ":\n" + all);
            fail(r.size() + " blocking call(s) on an event loop by " + step + ":\n" + all);
        }
    }
}
