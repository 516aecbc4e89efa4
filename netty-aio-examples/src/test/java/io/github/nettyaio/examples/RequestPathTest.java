/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.List;

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
        for (String uri : new String[] {"a/b", "*", "/%", "/%2", "/%zz", "/%C3", "/%FF"}) {
            refused(uri, HttpResponseStatus.BAD_REQUEST);
        }
    }
}
