/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.testing.FdCount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.github.nettyaio.examples.TestServers.TIMEOUT;
import static io.github.nettyaio.examples.TestServers.client;
import static io.github.nettyaio.examples.TestServers.raw;
import static io.github.nettyaio.examples.TestServers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HttpFileServer (ChunkedAioFile bodies, AioFileWriteHandler uploads) on every available transport, over HTTP
 * and HTTPS, with real clients on 127.0.0.1: {@link java.net.http.HttpClient} and raw sockets.
 */
class HttpFileServerTest {
    private static final int[] SIZES = {0, 1, 8191, (1 << 20) + 17, 8 << 20};
    private static final Map<Transport, HttpFileServer> SERVERS = new EnumMap<>(Transport.class);
    private static final LinkedBlockingQueue<String> LOG = new LinkedBlockingQueue<>();
    private static final Map<Integer, byte[]> FILES = new java.util.HashMap<>();
    private static Map<Integer, String> fdsBefore;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        fdsBefore = FdCount.snapshot();
        for (int size : SIZES) {
            FILES.put(size, TestServers.createFile(dir, "f" + size + ".bin", size));
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("a <b> & \"c\".txt"), "escaped\n");
        Files.writeString(dir.resolve("sub").resolve("plain.txt"), "plain\n");
        Path outside = Files.createTempFile("nettyaio-outside", ".txt");
        Files.writeString(outside, "secret\n");
        outside.toFile().deleteOnExit();
        Files.createSymbolicLink(dir.resolve("link-out"), outside);
        Files.createSymbolicLink(dir.resolve("link-in"), dir.resolve("sub").resolve("plain.txt"));
        Files.createDirectory(dir.resolve("uploads"));
    }

    @AfterAll
    static void stop() {
        for (HttpFileServer s : SERVERS.values()) {
            s.close();
        }
        SERVERS.clear();
        List<String> leaked = new ArrayList<>();
        for (String fd : FdCount.openedSince(fdsBefore)) {
            if (fd.contains(dir.toString())) {
                leaked.add(fd);
            }
        }
        assertEquals(List.of(), leaked, "descriptors of served files still open after the servers closed");
    }

    static synchronized HttpFileServer server(Transport t) throws Exception {
        HttpFileServer s = SERVERS.get(t);
        if (s == null) {
            s = HttpFileServer.start(TestServers.config(dir, t, LOG::add));
            assertEquals(t, s.transport());
            SERVERS.put(t, s);
        }
        return s;
    }

    static List<org.junit.jupiter.params.provider.Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    private static HttpResponse<byte[]> get(HttpFileServer s, String scheme, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, scheme, path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void servesFilesOfEverySizeByteForByte(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        for (int size : SIZES) {
            HttpResponse<byte[]> r = get(s, scheme, "/f" + size + ".bin");
            assertEquals(200, r.statusCode(), "size " + size);
            assertEquals(String.valueOf(size), r.headers().firstValue("content-length").orElse(null));
            assertEquals("bytes", r.headers().firstValue("accept-ranges").orElse(null));
            assertArrayEquals(FILES.get(size), r.body(), "body of the " + size + "-byte file");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void servesSingleByteRanges(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        int size = (1 << 20) + 17;
        byte[] f = FILES.get(size);
        String path = "/f" + size + ".bin";
        long[][] cases = {
            // header start, end (-1: open), expected start, expected end
            {0, 0, 0, 0}, {100, 200000, 100, 200000}, {size - 5, -1, size - 5, size - 1},
            {1000, size + 5000L, 1000, size - 1}, {65530, 65540, 65530, 65540},
        };
        for (long[] c : cases) {
            String range = "bytes=" + c[0] + "-" + (c[1] < 0 ? "" : String.valueOf(c[1]));
            HttpResponse<byte[]> r = get(s, scheme, path, "Range", range);
            assertEquals(206, r.statusCode(), range);
            assertEquals("bytes " + c[2] + "-" + c[3] + "/" + size, r.headers().firstValue("content-range").get());
            assertArrayEquals(Arrays.copyOfRange(f, (int) c[2], (int) c[3] + 1), r.body(), range);
        }
        HttpResponse<byte[]> suffix = get(s, scheme, path, "Range", "bytes=-300");
        assertEquals(206, suffix.statusCode());
        assertEquals("bytes " + (size - 300) + "-" + (size - 1) + "/" + size,
                suffix.headers().firstValue("content-range").get());
        assertArrayEquals(Arrays.copyOfRange(f, size - 300, size), suffix.body());

        for (String bad : new String[] {"bytes=" + size + "-", "bytes=" + (size + 10) + "-" + (size + 20), "bytes=-0"}) {
            HttpResponse<byte[]> r = get(s, scheme, path, "Range", bad);
            assertEquals(416, r.statusCode(), bad);
            assertEquals("bytes */" + size, r.headers().firstValue("content-range").get(), bad);
        }
        HttpResponse<byte[]> empty = get(s, scheme, "/f0.bin", "Range", "bytes=0-");
        assertEquals(416, empty.statusCode(), "any range of an empty file is unsatisfiable");

        HttpResponse<byte[]> multi = get(s, scheme, path, "Range", "bytes=0-1,5-6");
        assertEquals(200, multi.statusCode(), "several ranges are answered with the whole file");
        assertArrayEquals(f, multi.body());

        String lastModified = multi.headers().firstValue("last-modified").get();
        HttpResponse<byte[]> fresh = get(s, scheme, path, "Range", "bytes=1-2", "If-Range", lastModified);
        assertEquals(206, fresh.statusCode());
        HttpResponse<byte[]> stale = get(s, scheme, path, "Range", "bytes=1-2",
                "If-Range", "Thu, 01 Jan 1970 00:00:00 GMT");
        assertEquals(200, stale.statusCode());
        assertArrayEquals(f, stale.body());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void headSendsHeadersOnly(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, "/f8191.bin"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("8191", r.headers().firstValue("content-length").get());
        assertEquals(0, r.body().length);
        // On a raw connection: HEAD then GET on the same connection, so no stray body bytes follow the HEAD.
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "HEAD /f1.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /f1.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = sock.getInputStream();
            TestServers.RawResponse head = TestServers.readResponse(in, true);
            assertEquals(200, head.status);
            assertEquals("1", head.header("content-length"));
            TestServers.RawResponse get = TestServers.readResponse(in, false);
            assertEquals(200, get.status);
            assertArrayEquals(FILES.get(1), get.body);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void listsDirectoriesWithEscapedNames(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        HttpResponse<byte[]> r = get(s, scheme, "/sub/");
        assertEquals(200, r.statusCode());
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains(">plain.txt</a>"), html);
        assertTrue(html.contains("href=\"a%20%3Cb%3E%20%26%20%22c%22.txt\">a &lt;b&gt; &amp; &quot;c&quot;.txt</a>"),
                html);
        assertFalse(html.contains("<b>"), html);
        HttpResponse<byte[]> root = get(s, scheme, "/");
        String rootHtml = new String(root.body(), StandardCharsets.UTF_8);
        assertTrue(rootHtml.contains(">f8191.bin</a>") && rootHtml.contains(">sub/</a>"), rootHtml);
        assertFalse(rootHtml.contains("link-out"), "a link out of the root is not listed: " + rootHtml);
        assertTrue(rootHtml.contains("link-in"), rootHtml);
        // The directory without its slash redirects, so that relative links work.
        TestServers.RawResponse redirect = raw(s, scheme, "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(301, redirect.status);
        assertEquals("/sub/", redirect.header("location"));
        // An escaped name is found.
        HttpResponse<byte[]> escaped = get(s, scheme, "/sub/a%20%3Cb%3E%20%26%20%22c%22.txt");
        assertEquals("escaped\n", new String(escaped.body(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void answersNotFoundAndMethodNotAllowed(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        assertEquals(404, get(s, scheme, "/no-such-file").statusCode());
        assertEquals(404, get(s, scheme, "/sub/no/such").statusCode());
        assertEquals(404, get(s, scheme, "/f1.bin/").statusCode(), "a file in directory form");
        HttpResponse<byte[]> del = client().send(HttpRequest.newBuilder(uri(s, scheme, "/f1.bin"))
                .DELETE().timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, del.statusCode());
        assertEquals("GET, HEAD, PUT", del.headers().firstValue("allow").get());
        assertTrue(Files.exists(dir.resolve("f1.bin")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void refusesPathsOutOfTheServedDirectory(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        for (String path : new String[] {"/../etc/passwd", "/%2e%2e%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
                "/sub/../../etc/passwd", "/sub/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc/passwd", "/link-out",
                "/a%00b"}) {
            TestServers.RawResponse r = raw(s, scheme, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(403, r.status, path);
            assertFalse(new String(r.body, StandardCharsets.ISO_8859_1).contains("root:"), path);
        }
        assertEquals(400, raw(s, scheme, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n").status);
        // `..` that stays inside is normalised, not refused; a link inside the root is followed.
        TestServers.RawResponse inside = raw(s, scheme, "GET /sub/../sub/./plain.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, inside.status);
        assertEquals("plain\n", new String(inside.body, StandardCharsets.UTF_8));
        assertEquals(200, raw(s, scheme, "GET /link-in HTTP/1.1\r\nHost: x\r\n\r\n").status);
        TestServers.RawResponse put = raw(s, scheme,
                "PUT /../escaped.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals(403, put.status);
        assertFalse(Files.exists(dir.getParent().resolve("escaped.txt")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void refusesSpecialFilesWithoutOpeningThem(Transport t, String scheme) throws Exception {
        // Opening a FIFO for reading blocks until a writer comes: it must be refused, never opened.
        Path fifo = dir.resolve("fifo");
        if (!Files.exists(fifo)) {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        }
        HttpFileServer s = server(t);
        assertEquals(403, get(s, scheme, "/fifo").statusCode());
        assertEquals(403, client().send(HttpRequest.newBuilder(uri(s, scheme, "/fifo")).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray())
                .statusCode());
        assertEquals(200, get(s, scheme, "/f1.bin").statusCode());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void storesUploadsByteForByte(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        for (int size : new int[] {0, 1, 8191, (1 << 20) + 17, 8 << 20}) {
            byte[] data = TestServers.randomBytes(size + 3);
            String path = "/uploads/" + t + "-" + scheme + "-" + size + ".bin";
            HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, path)).timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(201, r.statusCode(), path);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve(path.substring(1))), path);
        }
        // Replacing a file answers 204; what is read back is the new content.
        String path = "/uploads/" + t + "-" + scheme + "-replaced.txt";
        for (String body : new String[] {"first version, longer\n", "second\n"}) {
            HttpResponse<byte[]> r = client().send(HttpRequest.newBuilder(uri(s, scheme, path)).timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(body.startsWith("first") ? 201 : 204, r.statusCode());
            assertEquals(body, new String(get(s, scheme, path).body(), StandardCharsets.UTF_8));
        }
        // A chunked upload over a raw connection, then a GET on the same connection.
        try (Socket sock = TestServers.connect(s, scheme)) {
            String p = "/uploads/" + t + "-" + scheme + "-chunked.txt";
            TestServers.send(sock, "PUT " + p + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n" + "GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertEquals(201, TestServers.readResponse(in, false).status);
            assertEquals("hello, world", new String(TestServers.readResponse(in, false).body, StandardCharsets.UTF_8));
        }
        // Expect: 100-continue, on a connection that is to close after the upload.
        try (Socket sock = TestServers.connect(s, scheme)) {
            String p = "/uploads/" + t + "-" + scheme + "-expect.txt";
            TestServers.send(sock, "PUT " + p + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\nContent-Length: 6\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertEquals(100, TestServers.readResponse(in, false).status);
            TestServers.send(sock, "abcdef");
            TestServers.RawResponse r = TestServers.readResponse(in, false);
            assertEquals(201, r.status);
            assertEquals("close", r.header("connection"));
            assertEquals(-1, in.read());
            assertEquals("abcdef", Files.readString(dir.resolve(p.substring(1))));
        }
        // Expect: 100-continue refused: the final status comes without 100, and the connection closes.
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "PUT /no-dir/x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 6\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertEquals(409, TestServers.readResponse(in, false).status);
            assertEquals(-1, in.read());
        }
        HttpResponse<byte[]> noDir = client().send(HttpRequest.newBuilder(uri(s, scheme, "/no-dir/x.bin"))
                .timeout(TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(409, noDir.statusCode());
        HttpResponse<byte[]> onDir = client().send(HttpRequest.newBuilder(uri(s, scheme, "/sub")).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(403, onDir.statusCode());
        try (var names = Files.list(dir.resolve("uploads"))) {
            assertEquals(List.of(), names.filter(n -> n.toString().endsWith(".upload")).toList(),
                    "no temporary upload file is left behind");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void keepsConnectionsAliveAndClosesWhenAsked(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        try (Socket sock = TestServers.connect(s, scheme)) {
            InputStream in = sock.getInputStream();
            // Pipelined: three requests in one write, answered in order on one connection.
            TestServers.send(sock, "GET /f8191.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /no-such HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /f1.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            TestServers.RawResponse a = TestServers.readResponse(in, false);
            assertArrayEquals(FILES.get(8191), a.body);
            assertNull(a.header("connection"));
            assertEquals(404, TestServers.readResponse(in, false).status);
            assertArrayEquals(FILES.get(1), TestServers.readResponse(in, false).body);
            // Then one asking to close: answered, then the server closes.
            TestServers.send(sock, "GET /f1.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            TestServers.RawResponse last = TestServers.readResponse(in, false);
            assertEquals("close", last.header("connection"));
            assertEquals(-1, in.read(), "the server closes after answering Connection: close");
        }
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "GET /f1.bin HTTP/1.0\r\n\r\n");
            InputStream in = sock.getInputStream();
            assertArrayEquals(FILES.get(1), TestServers.readResponse(in, false).body);
            assertEquals(-1, in.read(), "HTTP/1.0 without keep-alive is closed after the response");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void logsOneLinePerRequest(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        String path = "/f8191.bin?log=" + t + scheme;
        get(s, scheme, path);
        get(s, scheme, "/missing-" + t + scheme);
        // The line is written once the response is complete, which the client may see first: wait for both.
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (lines.size() < 2) {
            String l = LOG.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(l, "log lines seen: " + lines);
            if (l.contains(" GET " + path + " ") || l.contains(" GET /missing-" + t + scheme + " ")) {
                lines.add(l);
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* GET \\Q" + path + "\\E 200 8191 \\d+ms")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* GET /missing-\\S+ 404 \\d+ \\d+ms")), lines.toString());
    }
}
