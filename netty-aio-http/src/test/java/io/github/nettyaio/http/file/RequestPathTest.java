/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestPathTest {
    private static List<String> segments(String uri) throws Exception {
        return RequestPath.parse(uri).segments();
    }

    private static void refused(String uri, HttpResponseStatus status) {
        RequestPath.InvalidPathException e = assertThrows(RequestPath.InvalidPathException.class,
                () -> RequestPath.parse(uri), uri);
        assertEquals(status, e.status(), uri);
    }

    @Test
    void decodesAndNormalises() throws Exception {
        assertEquals(List.of(), segments("/"));
        assertEquals(List.of("a", "b.txt"), segments("/a/b.txt?x=1#f"));
        assertEquals(List.of("a b", "c&d"), segments("/a%20b/c%26d"));
        assertEquals(List.of("b"), segments("/a/../b"));
        assertEquals(List.of("a", "b"), segments("//a/./b/"));
        assertEquals(List.of("a+b"), segments("/a+b"));
        assertEquals(List.of("é"), segments("/%C3%A9"));
        assertEquals(List.of("x", "y"), segments("http://host:80/x/y"));
        assertTrue(RequestPath.parse("/a/").isDirectoryForm());
        assertTrue(RequestPath.parse("/").isDirectoryForm());
        assertTrue(RequestPath.parse("/a/b/..").isDirectoryForm());
        assertFalse(RequestPath.parse("/a").isDirectoryForm());
        assertEquals("/a/b/", RequestPath.parse("/a//b/").toString());
        assertEquals(Paths.get("/srv/a/b"), RequestPath.parse("/a/b").resolveIn(Paths.get("/srv")));
    }

    @Test
    void refusesEscapesAfterDecoding() {
        for (String uri : new String[] {"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/%2E%2E%2Fx",
                "/..%2fx", "/a/%2e%2e%2f%2e%2e%2fx", "/.%2e/x", "/x%00y"}) {
            refused(uri, HttpResponseStatus.FORBIDDEN);
        }
    }

    @Test
    void rejectsMalformedPaths() {
        for (String uri : new String[] {"a/b", "*", "/%", "/%2", "/%zz"}) {
            refused(uri, HttpResponseStatus.BAD_REQUEST);
        }
    }

    @Test
    void keepsTheBytesOfNamesThatAreNotUtf8() throws Exception {
        // A Linux file name is bytes: invalid UTF-8 names a file too (shown with U+FFFD, resolved to the bytes).
        RequestPath p = RequestPath.parse("/%FF%FEx/%C3");
        assertEquals(List.of("\uFFFD\uFFFDx", "\uFFFD"), p.segments());
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}, p.rawSegment(0));
        assertArrayEquals(new byte[] {(byte) 0xC3}, p.rawSegment(1));
        assertEquals("/%FF%FEx/%C3", p.encoded());
        Path resolved = p.resolveIn(Paths.get("/srv"));
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}, FileNames.bytes(resolved.getParent()));
        assertArrayEquals(new byte[] {(byte) 0xC3}, FileNames.bytes(resolved));
        assertEquals("/srv/%FF%FEx/%C3", resolved.toUri().getRawPath());
        assertEquals("/%C3%A9/", RequestPath.parse("/%c3%a9/").encoded());
    }

    @Test
    void segmentsOverNameMaxAreNotFoundAndPathsOverPathMaxTooLong() throws Exception {
        String max = "n".repeat(FileNames.NAME_MAX);
        assertEquals(List.of(max), segments("/" + max));
        refused("/" + max + "n", HttpResponseStatus.NOT_FOUND);
        refused("/a/" + "%41".repeat(FileNames.NAME_MAX + 1) + "/b", HttpResponseStatus.NOT_FOUND);
        assertEquals(List.of("b"), segments("/" + max + "n/../b")); // removed lexically: names nothing
        refused(("/" + max).repeat(17), HttpResponseStatus.REQUEST_URI_TOO_LONG);
    }
}
