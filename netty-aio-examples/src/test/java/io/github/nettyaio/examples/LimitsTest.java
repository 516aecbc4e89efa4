/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.handler.codec.DateFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limits of issue 16 on the real HttpFileServer, every transport, raw sockets on 127.0.0.1: the head deadline
 * against a slowloris client, the body deadline, the keep-alive timeout, the connection cap and the header caps
 * (414, 431), and a {@code Date} on every response.
 */
class LimitsTest {
    private static final long DEADLINE = 1000;
    /** How late a close may come after its deadline on a busy 2-core machine. */
    private static final long SLACK = 1500;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "hello\n");
    }

    static List<Arguments> transports() {
        List<Arguments> out = new ArrayList<>();
        for (Transport t : Transport.available()) {
            out.add(Arguments.of(t));
        }
        return out;
    }

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    private static HttpFileServerConfig config(Transport t) throws Exception {
        return TestServers.config(dir, t, new LinkedBlockingQueue<String>()::add);
    }

    /** Reads until EOF or reset, returning the bytes; a hang fails with SocketTimeoutException. */
    private static String readToEnd(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        try {
            for (int c; (c = in.read()) >= 0; ) {
                b.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            // reset: closed as well
        }
        return b.toString();
    }

    private static void assertClosedWithin(long startNanos, long fromMillis, long toMillis) {
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(elapsed >= fromMillis && elapsed <= toMillis,
                "closed after " + elapsed + " ms, expected within [" + fromMillis + ", " + toMillis + "]");
    }

    private static void assertDated(TestServers.RawResponse r) {
        String date = r.header("date");
        assertNotNull(date, "a Date header: " + r.head);
        Date d = DateFormatter.parseHttpDate(date);
        assertNotNull(d, "an HTTP date: " + date);
        assertTrue(Math.abs(d.getTime() - System.currentTimeMillis()) < 5000, "now: " + date);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void slowlorisIsClosedAtTheHeadDeadline(Transport t, String scheme) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t).headerTimeoutMillis(DEADLINE))) {
            long start = System.nanoTime(); // the deadline runs from the connection's start, TLS handshake included
            Socket sock = TestServers.connect(s, scheme);
            if (scheme.equals("https")) {
                ((javax.net.ssl.SSLSocket) sock).startHandshake();
            }
            AtomicInteger sent = new AtomicInteger();
            Thread loris = new Thread(() -> {
                byte[] head = "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
                try {
                    OutputStream out = sock.getOutputStream();
                    for (int i = 0; i < 100; i++) {
                        out.write(i < head.length ? head[i] : 'a');
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(200); // the client's pace, not a wait for the server
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: done
                }
            }, "slowloris");
            loris.setDaemon(true);
            loris.start();
            String answer = readToEnd(sock.getInputStream());
            assertClosedWithin(start, DEADLINE - 100, DEADLINE + SLACK);
            assertTrue(sent.get() >= 4, "bytes kept arriving: " + sent.get());
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            assertTrue(answer.toLowerCase().contains("\r\ndate: "), answer);
            loris.interrupt();
            loris.join(TestServers.TIMEOUT.toMillis());
            sock.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aSilentConnectionIsClosedAtTheHeadDeadline(Transport t, String scheme) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t).headerTimeoutMillis(DEADLINE))) {
            long start = System.nanoTime();
            // Plain TCP to the HTTPS port too: a TLS handshake that never starts is held to the same deadline.
            try (Socket sock = new Socket("127.0.0.1", scheme.equals("https") ? s.httpsPort() : s.httpPort())) {
                sock.setSoTimeout((int) TestServers.TIMEOUT.toMillis());
                assertEquals("", readToEnd(sock.getInputStream()), "nothing sent, nothing answered");
            }
            assertClosedWithin(start, DEADLINE - 100, DEADLINE + SLACK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aBodyThatStopsArrivingGets408(Transport t) throws Exception {
        Files.createDirectories(dir.resolve("up"));
        try (HttpFileServer s = HttpFileServer.start(config(t).bodyTimeoutMillis(DEADLINE));
             Socket sock = TestServers.connect(s, "http")) {
            TestServers.send(sock, "PUT /up/stalled.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
            long start = System.nanoTime();
            String answer = readToEnd(sock.getInputStream());
            assertClosedWithin(start, DEADLINE - 100, DEADLINE + SLACK);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertTrue(!Files.exists(dir.resolve("up").resolve("stalled.bin")), "no partial upload");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout(Transport t) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t).keepAliveTimeoutMillis(DEADLINE)
                .headerTimeoutMillis(10 * DEADLINE));
             Socket sock = TestServers.connect(s, "http")) {
            TestServers.send(sock, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertEquals(200, TestServers.readResponse(in, false).status);
            long start = System.nanoTime();
            assertEquals("", readToEnd(in), "closed without a word");
            assertClosedWithin(start, DEADLINE - 100, DEADLINE + SLACK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void keepAliveRequestsWithinTheTimeoutsAreServed(Transport t) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t).keepAliveTimeoutMillis(DEADLINE)
                .headerTimeoutMillis(DEADLINE).bodyTimeoutMillis(DEADLINE));
             Socket sock = TestServers.connect(s, "http")) {
            InputStream in = sock.getInputStream();
            long start = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                // Together longer than every deadline, each gap shorter: no deadline may count across requests.
                Thread.sleep(DEADLINE / 2); // the client's pace
                String name = "/ka-" + t + "-" + i + ".txt";
                TestServers.send(sock, "PUT " + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nab");
                for (String part : new String[] {"cd", "ef", "gh"}) { // the body takes longer than its deadline in all
                    Thread.sleep(DEADLINE * 2 / 5);
                    TestServers.send(sock, part);
                }
                assertEquals(201, TestServers.readResponse(in, false).status);
                TestServers.send(sock, "GET " + name + " HTTP/1.1\r\nHost: x\r\n\r\n");
                TestServers.RawResponse r = TestServers.readResponse(in, false);
                assertEquals(200, r.status);
                assertEquals("abcdefgh", new String(r.body, StandardCharsets.US_ASCII));
            }
            assertTrue(System.nanoTime() - start > 3 * DEADLINE * 1_000_000L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void overTheCapNewConnectionsAreClosedAtOnce(Transport t) throws Exception {
        int cap = 3;
        try (HttpFileServer s = HttpFileServer.start(config(t).maxConnections(cap))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < cap; i++) {
                    Socket c = TestServers.connect(s, "http");
                    held.add(c);
                    TestServers.send(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, TestServers.readResponse(c.getInputStream(), false).status);
                }
                for (String scheme : new String[] {"http", "https"}) { // one cap for both ports
                    long start = System.nanoTime();
                    try (Socket over = TestServers.connect(s, scheme)) {
                        TestServers.send(over, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals("", readToEnd(over.getInputStream()), scheme);
                    } catch (SocketTimeoutException e) {
                        throw e; // left hanging
                    } catch (IOException e) {
                        // reset (even before connect returned) or a handshake cut off: closed at once
                    }
                    assertClosedWithin(start, 0, 2000);
                }
                for (Socket c : held) { // the held ones are still served
                    TestServers.send(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, TestServers.readResponse(c.getInputStream(), false).status);
                }
                held.remove(0).close();
                // The server counts the close when it sees it: retry, bounded, until a new connection is served.
                long until = System.nanoTime() + TestServers.TIMEOUT.toNanos();
                while (true) {
                    try (Socket again = TestServers.connect(s, "http")) {
                        TestServers.send(again, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals(200, TestServers.readResponse(again.getInputStream(), false).status);
                        break;
                    } catch (IOException e) {
                        if (System.nanoTime() > until) {
                            fail("no connection accepted after one closed", e);
                        }
                    }
                }
            } finally {
                for (Socket c : held) {
                    c.close();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void headerCapsAreAnswered414And431ThenClosed(Transport t) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t))) {
            StringBuilder many = new StringBuilder("GET /a.txt HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 100; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            String large = "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n";
            String longUri = "GET /" + "u".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            String[][] cases = {{many + "\r\n", "431"}, {large, "431"}, {longUri, "414"}};
            for (String[] c : cases) {
                try (Socket sock = TestServers.connect(s, "http")) {
                    TestServers.send(sock, c[0]);
                    InputStream in = sock.getInputStream();
                    TestServers.RawResponse r = TestServers.readResponse(in, false);
                    assertEquals(Integer.parseInt(c[1]), r.status, r.head);
                    assertEquals("close", r.header("connection"));
                    assertDated(r);
                    assertEquals("", readToEnd(in), "closed after the answer");
                }
            }
            // At the limits: served.
            StringBuilder ok = new StringBuilder("GET /a.txt HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 99; i++) {
                ok.append("X-H").append(i).append(": v\r\n");
            }
            assertEquals(200, TestServers.raw(s, "http", ok + "\r\n").status);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void everyResponseIsDated(Transport t, String scheme) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(config(t))) {
            String[][] cases = {
                    {"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "200"},
                    {"HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "200"},
                    {"GET /nope.txt HTTP/1.1\r\nHost: x\r\n\r\n", "404"},
                    {"DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "405"},
                    {"PUT /dated-" + t + "-" + scheme + ".txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx",
                        "201"},
                    {"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
            };
            for (String[] c : cases) {
                TestServers.RawResponse r = TestServers.raw(s, scheme, c[0]);
                assertEquals(Integer.parseInt(c[1]), r.status, c[0]);
                assertDated(r);
            }
        }
    }
}
