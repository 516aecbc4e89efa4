/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import org.junit.jupiter.api.Test;

import static io.github.nettyaio.http.file.ByteRange.Kind.FULL;
import static io.github.nettyaio.http.file.ByteRange.Kind.PARTIAL;
import static io.github.nettyaio.http.file.ByteRange.Kind.UNSATISFIABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteRangeTest {
    private static void check(String header, long size, ByteRange.Kind kind, long start, long end) {
        ByteRange r = ByteRange.parse(header, size);
        assertEquals(kind, r.kind(), header);
        if (kind != UNSATISFIABLE) {
            assertEquals(start, r.start(), header);
            assertEquals(end, r.end(), header);
            assertEquals(end - start + 1, r.length(), header);
        } else {
            assertEquals("bytes */" + size, r.contentRange());
        }
    }

    @Test
    void singleRanges() {
        check("bytes=0-0", 10, PARTIAL, 0, 0);
        check("bytes=2-5", 10, PARTIAL, 2, 5);
        check("bytes=2-", 10, PARTIAL, 2, 9);
        check("bytes=2-100", 10, PARTIAL, 2, 9);
        check("bytes=-3", 10, PARTIAL, 7, 9);
        check("bytes=-30", 10, PARTIAL, 0, 9);
        check(" BYTES = 1 - 2 ", 10, PARTIAL, 1, 2);
        check("bytes=9-99999999999999999999999", 10, PARTIAL, 9, 9);
        assertEquals("bytes 2-5/10", ByteRange.parse("bytes=2-5", 10).contentRange());
    }

    @Test
    void unsatisfiable() {
        check("bytes=10-", 10, UNSATISFIABLE, 0, 0);
        check("bytes=10-20", 10, UNSATISFIABLE, 0, 0);
        check("bytes=99999999999999999999-", 10, UNSATISFIABLE, 0, 0);
        check("bytes=-0", 10, UNSATISFIABLE, 0, 0);
        check("bytes=0-", 0, UNSATISFIABLE, 0, 0);
        check("bytes=-5", 0, UNSATISFIABLE, 0, 0);
    }

    @Test
    void ignoredHeadersServeTheWholeFile() {
        for (String h : new String[] {null, "", "bytes=", "bytes=5-2", "bytes=a-b", "bytes=1", "items=0-1",
                "bytes=0-1,3-4", "bytes=--1", "bytes=1-2-3"}) {
            check(h, 10, FULL, 0, 9);
        }
        check("bytes=0-1,", 10, PARTIAL, 0, 1);
    }
}
