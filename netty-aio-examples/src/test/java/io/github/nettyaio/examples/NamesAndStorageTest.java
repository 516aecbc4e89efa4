/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.testing.TinyTmpfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * File names at the edges and a full disk, over real sockets (issue 16, items 5–7): names up to
 * {@code NAME_MAX} bytes are uploaded, replaced and fetched, longer segments are {@code 404}; an upload the file
 * system has no room for is {@code 507}, handled (no "reached the tail of the pipeline"), its temporary file
 * removed and the old file intact; a name that is not UTF-8 is listed with a link that fetches it.
 */
class NamesAndStorageTest {
    private static final Map<Transport, HttpFileServer> SERVERS = new EnumMap<>(Transport.class);
    /** The bytes of a file name that is not UTF-8, and the same name {@code %}-escaped. */
    private static final String RAW_NAME = "\\xff\\xfe-raw.txt";
    private static final String RAW_HREF = "%FF%FE-raw.txt";
    private static final String RAW_DIR = "\\xfe\\xff-dir";
    private static final String RAW_DIR_HREF = "%FE%FF-dir";
    private static final String RAW_INNER = "in\\xe9.bin";
    private static final String RAW_INNER_HREF = "in%E9.bin";
    private static final byte[] RAW_BYTES = "not UTF-8\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INNER_BYTES = TestServers.randomBytes(70_000);

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        // Names of arbitrary bytes, made by bash (Java's Path.of(String) can't: it encodes text).
        Files.write(dir.resolve("raw.tmp"), RAW_BYTES);
        Files.write(dir.resolve("inner.tmp"), INNER_BYTES);
        String failed = TinyTmpfs.run("bash", "-c", "cd \"$1\" && mv raw.tmp $'" + RAW_NAME + "' && mkdir $'"
                + RAW_DIR + "' && mv inner.tmp $'" + RAW_DIR + "'/$'" + RAW_INNER + "'", "_", dir.toString());
        assertNull(failed, "bash made the files");
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(HttpFileServer::close);
        SERVERS.clear();
    }

    static synchronized HttpFileServer server(Transport t) throws Exception {
        HttpFileServer s = SERVERS.get(t);
        if (s == null) {
            s = HttpFileServer.start(TestServers.config(dir, t, line -> { }));
            SERVERS.put(t, s);
        }
        return s;
    }

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    private static TestServers.RawResponse put(HttpFileServer s, String scheme, String path, byte[] body)
            throws Exception {
        try (Socket sock = TestServers.connect(s, scheme)) {
            TestServers.send(sock, "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                    + "\r\n\r\n");
            sock.getOutputStream().write(body);
            sock.getOutputStream().flush();
            return TestServers.readResponse(sock.getInputStream(), false);
        }
    }

    private static TestServers.RawResponse get(HttpFileServer s, String scheme, String path) throws Exception {
        return TestServers.raw(s, scheme, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    private static String nameOf(int bytes, String tag) {
        return tag + "a".repeat(bytes - tag.length());
    }

    private static List<String> tempFiles(Path in) throws Exception {
        try (var names = Files.list(in)) {
            return names.map(p -> p.getFileName().toString()).filter(TestServers::isUploadTemp).toList();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void namesUpToNameMaxAreUploadedReplacedAndFetched(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        String tag = t + "-" + scheme + "-";
        for (int length : new int[] {230, 255}) {
            String name = nameOf(length, tag + length + "-");
            byte[] first = TestServers.randomBytes(1000 + length);
            assertEquals(201, put(s, scheme, "/" + name, first).status, length + " bytes");
            assertArrayEquals(first, Files.readAllBytes(dir.resolve(name)));
            byte[] second = TestServers.randomBytes(2000 + length);
            assertEquals(204, put(s, scheme, "/" + name, second).status, length + " bytes, again");
            TestServers.RawResponse r = get(s, scheme, "/" + name);
            assertEquals(200, r.status);
            assertArrayEquals(second, r.body);
        }
        // An existing file with a 240-byte name is fetched and replaced.
        String existing = nameOf(240, tag + "existing-");
        byte[] old = TestServers.createFile(dir, existing, 500);
        assertArrayEquals(old, get(s, scheme, "/" + existing).body);
        byte[] fresh = TestServers.randomBytes(600);
        assertEquals(204, put(s, scheme, "/" + existing, fresh).status);
        assertArrayEquals(fresh, Files.readAllBytes(dir.resolve(existing)));
        assertEquals(List.of(), tempFiles(dir));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aSegmentOverNameMaxIsNotFoundNeverAServerError(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        String tooLong = nameOf(256, t + "-" + scheme + "-");
        for (String path : new String[] {"/" + tooLong, "/" + tooLong + "/x", "/sub/" + tooLong, "/" + tooLong + "/"}) {
            int get = get(s, scheme, path).status;
            assertTrue(get == 404 || get == 414, "GET " + path + ": " + get);
            int put = put(s, scheme, path, new byte[10]).status;
            assertTrue(put == 404 || put == 414, "PUT " + path + ": " + put);
        }
        // 256 bytes made of escapes: still one 256-byte segment.
        String escaped = "/" + "%41".repeat(256);
        assertEquals(404, get(s, scheme, escaped).status);
        assertEquals(List.of(), tempFiles(dir));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aNameThatIsNotUtf8IsListedAndItsLinkFetchesIt(Transport t, String scheme) throws Exception {
        HttpFileServer s = server(t);
        TestServers.RawResponse root = get(s, scheme, "/");
        assertEquals(200, root.status);
        List<String> links = links(root);
        assertTrue(links.contains(RAW_HREF), "links: " + links);
        TestServers.RawResponse file = get(s, scheme, "/" + RAW_HREF);
        assertEquals(200, file.status);
        assertArrayEquals(RAW_BYTES, file.body);
        // A directory so named: redirected to its listing, whose link fetches the file in it.
        assertTrue(links.contains(RAW_DIR_HREF + "/"), "links: " + links);
        TestServers.RawResponse redirect = get(s, scheme, "/" + RAW_DIR_HREF);
        assertEquals(301, redirect.status);
        assertEquals("/" + RAW_DIR_HREF + "/", redirect.header("location"));
        TestServers.RawResponse sub = get(s, scheme, redirect.header("location"));
        assertEquals(200, sub.status);
        assertTrue(links(sub).contains(RAW_INNER_HREF), "links: " + links(sub));
        TestServers.RawResponse inner = get(s, scheme, "/" + RAW_DIR_HREF + "/" + RAW_INNER_HREF);
        assertEquals(200, inner.status);
        assertArrayEquals(INNER_BYTES, inner.body);
        // The U+FFFD the JDK shows instead of the bytes names no file.
        assertEquals(404, get(s, scheme, "/%EF%BF%BD%EF%BF%BD-raw.txt").status);
        // Uploaded under such a name (in such a directory), then listed and fetched by that link.
        String up = "up%FF-" + t + "-" + scheme + ".bin";
        byte[] data = TestServers.randomBytes(5000);
        assertEquals(201, put(s, scheme, "/" + RAW_DIR_HREF + "/" + up, data).status);
        assertEquals(204, put(s, scheme, "/" + RAW_DIR_HREF + "/" + up, data).status);
        assertTrue(links(get(s, scheme, "/" + RAW_DIR_HREF + "/")).contains(up));
        assertArrayEquals(data, get(s, scheme, "/" + RAW_DIR_HREF + "/" + up).body);
        // On the disk under the raw bytes (bash names them itself).
        assertNull(TinyTmpfs.run("bash", "-c", "test -f \"$1\"/$'" + RAW_DIR + "'/$'up\\xff-" + t + "-" + scheme
                + ".bin'", "_", dir.toString()), "the file's name is the raw bytes");
    }

    private static List<String> links(TestServers.RawResponse listing) {
        Matcher m = Pattern.compile("href=\"([^\"]*)\"").matcher(new String(listing.body, StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void aFullFileSystemIs507AndTheOldFileIsIntact(Transport t, String scheme) throws Exception {
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() != null ? " " + r.getThrown() : ""));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (TinyTmpfs full = TinyTmpfs.mount(dir, "full-" + t + "-" + scheme);
             HttpFileServer s = HttpFileServer.start(TestServers.config(full.dir, t, line -> { }))) {
            byte[] old = TestServers.createFile(full.dir, "keep.bin", 100_000);
            byte[] big = TestServers.randomBytes(2 << 20);
            try (Socket sock = TestServers.connect(s, scheme)) {
                for (String name : new String[] {"keep.bin", "new.bin"}) {
                    TestServers.send(sock, "PUT /" + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                            + big.length + "\r\n\r\n");
                    OutputStream out = sock.getOutputStream();
                    // Sent from another thread: the server answers as soon as the disk is full.
                    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                        try {
                            out.write(big);
                            out.flush();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    InputStream in = sock.getInputStream();
                    assertEquals(507, TestServers.readResponse(in, false).status, name);
                    sent.get(TestServers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    assertEquals(List.of(), tempFiles(full.dir), "the temporary file is removed");
                }
                // The rest of the body was read and dropped: the connection still serves.
                TestServers.send(sock, "GET /keep.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                TestServers.RawResponse r = TestServers.readResponse(sock.getInputStream(), false);
                assertEquals(200, r.status);
                assertArrayEquals(old, r.body);
            }
            assertArrayEquals(old, Files.readAllBytes(full.dir.resolve("keep.bin")), "the old file is intact");
            assertFalse(Files.exists(full.dir.resolve("new.bin")));
        } finally {
            root.removeHandler(capture);
        }
        synchronized (logged) {
            for (String line : logged) {
                assertFalse(line.contains("tail of the pipeline"), line);
            }
        }
    }
}
