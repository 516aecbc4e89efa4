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

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.github.nettyaio.examples.TestServers.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names the server hides, over real sockets: dot-files and dot-directories (unless {@code --show-hidden}) and,
 * always, temporary upload files — never listed, {@code 404} for GET, HEAD and PUT, also while an upload runs
 * and through a link.
 */
class HiddenNamesTest {
    private static final String STALE_TEMP = ".left.txt.12345.upload";
    private static HttpFileServer hiding;
    private static HttpFileServer showing;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectory(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git").resolve("config"), "[core]\n");
        Files.writeString(dir.resolve(".env"), "SECRET=1\n");
        Files.writeString(dir.resolve("visible.txt"), "visible\n");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve(".hidden"), "hidden\n");
        Files.writeString(dir.resolve(STALE_TEMP), "half an upload\n"); // as left by a crash
        Files.createSymbolicLink(dir.resolve("env-link"), dir.resolve(".env"));
        hiding = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { }));
        showing = HttpFileServer.start(TestServers.config(dir, Transport.best(), line -> { }).showHidden(true));
    }

    @AfterAll
    static void stop() {
        hiding.close();
        showing.close();
    }

    static List<Arguments> schemes() {
        return List.of(Arguments.of("http"), Arguments.of("https"));
    }

    private static TestServers.RawResponse request(HttpFileServer s, String scheme, String method, String path)
            throws Exception {
        String body = method.equals("PUT") ? "Content-Length: 3\r\n\r\nnew" : "\r\n";
        return raw(s, scheme, method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + body);
    }

    private static String listing(HttpFileServer s, String scheme, String path) throws Exception {
        TestServers.RawResponse r = request(s, scheme, "GET", path);
        assertEquals(200, r.status, path);
        return new String(r.body, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void dotFilesAreHiddenByDefault(String scheme) throws Exception {
        String root = listing(hiding, scheme, "/");
        assertTrue(root.contains(">visible.txt</a>"), root);
        for (String name : new String[] {".git", ".env", STALE_TEMP, "env-link"}) {
            assertFalse(root.contains(name), name + " is listed: " + root);
        }
        assertFalse(listing(hiding, scheme, "/sub/").contains(".hidden"));
        for (String path : new String[] {"/.git/config", "/.git/", "/.git", "/.env", "/%2eenv", "/sub/.hidden",
                "/sub/../.env", "/env-link", "/" + STALE_TEMP}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                assertEquals(404, request(hiding, scheme, method, path).status, method + " " + path);
            }
        }
        assertEquals(404, request(hiding, scheme, "PUT", "/.env").status);
        assertEquals(404, request(hiding, scheme, "PUT", "/.new-" + scheme).status);
        assertEquals("SECRET=1\n", Files.readString(dir.resolve(".env")), "a hidden file can't be overwritten");
        assertFalse(Files.exists(dir.resolve(".new-" + scheme)));
        assertEquals(200, request(hiding, scheme, "GET", "/visible.txt").status);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void showHiddenServesDotFilesButNeverUploadTempFiles(String scheme) throws Exception {
        String root = listing(showing, scheme, "/");
        assertTrue(root.contains(">.git/</a>") && root.contains(">.env</a>") && root.contains(">env-link</a>"), root);
        assertFalse(root.contains(STALE_TEMP), root);
        TestServers.RawResponse env = request(showing, scheme, "GET", "/.env");
        assertEquals(200, env.status);
        assertEquals("SECRET=1\n", new String(env.body, StandardCharsets.UTF_8));
        assertEquals(200, request(showing, scheme, "GET", "/.git/config").status);
        assertEquals(200, request(showing, scheme, "GET", "/env-link").status);
        for (String method : new String[] {"GET", "HEAD", "PUT"}) {
            assertEquals(404, request(showing, scheme, method, "/" + STALE_TEMP).status, method);
        }
        assertEquals(404, request(showing, scheme, "PUT", "/.made-up.txt.1.upload").status);
        assertFalse(Files.exists(dir.resolve(".made-up.txt.1.upload")));
        assertEquals("half an upload\n", Files.readString(dir.resolve(STALE_TEMP)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void theTempFileOfARunningUploadIsNeitherListedNorServed(String scheme) throws Exception {
        for (HttpFileServer s : new HttpFileServer[] {hiding, showing}) {
            String name = "running-" + scheme + (s == showing ? "-shown" : "") + ".txt";
            try (Socket sock = TestServers.connect(s, scheme)) {
                // 100 Continue comes once the temporary file is open: it exists while we hold the body back.
                TestServers.send(sock, "PUT /" + name + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 5\r\n\r\n");
                InputStream in = sock.getInputStream();
                assertEquals(100, TestServers.readResponse(in, false).status);
                List<String> temps = new ArrayList<>();
                try (var names = Files.list(dir)) {
                    names.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith(TestServers.uploadPrefix(name))).forEach(temps::add);
                }
                assertEquals(1, temps.size(), temps.toString());
                String temp = temps.get(0);
                assertFalse(listing(s, scheme, "/").contains(temp));
                assertEquals(404, request(s, scheme, "GET", "/" + temp).status);
                assertEquals(404, request(s, scheme, "HEAD", "/" + temp).status);
                assertEquals(404, request(s, scheme, "PUT", "/" + temp).status);
                TestServers.send(sock, "hello");
                assertEquals(201, TestServers.readResponse(in, false).status);
            }
            assertEquals("hello", Files.readString(dir.resolve(name)));
        }
    }
}
