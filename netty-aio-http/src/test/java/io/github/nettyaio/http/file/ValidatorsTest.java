/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validators: how the ETag follows the file, and RFC 9110 §13.2.2's order of preconditions. */
class ValidatorsTest {
    private static final long MODIFIED = 1_700_000_000_000L; // a whole second
    private static final Validators V = Validators.of(10, 5, 7, MODIFIED + 250);
    private static final String EARLIER = DateFormatter.format(new Date(MODIFIED - 1000));
    private static final String SAME = DateFormatter.format(new Date(MODIFIED));

    @TempDir
    Path dir;

    private static HttpHeaders headers(String... nameValue) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        return h;
    }

    @Test
    void theEtagIsStrongQuotedAndFollowsContentAndInode() throws Exception {
        assertTrue(V.etag().startsWith("\"") && V.etag().endsWith("\"") && !V.etag().startsWith("W/"), V.etag());
        assertEquals(SAME, V.lastModified(), "Last-Modified to the second");
        Path f = Files.writeString(dir.resolve("f.txt"), "one");
        String first = Validators.of(f, Files.readAttributes(f, BasicFileAttributes.class)).etag();
        assertEquals(first, Validators.of(f, Files.readAttributes(f, BasicFileAttributes.class)).etag(), "stable");
        FileTime mtime = Files.getLastModifiedTime(f);
        Files.writeString(f, "two"); // same size
        Files.setLastModifiedTime(f, mtime); // mtime set back, as touch -d does: ctime still moves
        assertNotEquals(first, Validators.of(f, Files.readAttributes(f, BasicFileAttributes.class)).etag());
        Path g = Files.writeString(dir.resolve("g.txt"), "two");
        Files.setLastModifiedTime(g, mtime);
        Files.move(g, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // an upload: a new inode
        assertNotEquals(first, Validators.of(f, Files.readAttributes(f, BasicFileAttributes.class)).etag());
    }

    @Test
    void ifMatchComesFirstAndComparesStrongly() {
        assertNull(V.evaluate(headers("If-Match", V.etag())));
        assertNull(V.evaluate(headers("If-Match", "\"x\", " + V.etag())));
        assertNull(V.evaluate(headers("If-Match", "*")));
        assertEquals(HttpResponseStatus.PRECONDITION_FAILED, V.evaluate(headers("If-Match", "W/" + V.etag())));
        assertEquals(HttpResponseStatus.PRECONDITION_FAILED, V.evaluate(headers("If-Match", "\"other\"")));
        // If-Match present: If-Unmodified-Since is not looked at.
        assertNull(V.evaluate(headers("If-Match", V.etag(), "If-Unmodified-Since", EARLIER)));
        // Its failure wins over If-None-Match.
        assertEquals(HttpResponseStatus.PRECONDITION_FAILED,
                V.evaluate(headers("If-Match", "\"other\"", "If-None-Match", V.etag())));
    }

    @Test
    void ifUnmodifiedSinceFailsForAnOlderDateAndIgnoresAnInvalidOne() {
        assertEquals(HttpResponseStatus.PRECONDITION_FAILED, V.evaluate(headers("If-Unmodified-Since", EARLIER)));
        assertNull(V.evaluate(headers("If-Unmodified-Since", SAME)));
        assertNull(V.evaluate(headers("If-Unmodified-Since", "yesterday")));
    }

    @Test
    void ifNoneMatchComparesWeaklyAndWinsOverIfModifiedSince() {
        assertEquals(HttpResponseStatus.NOT_MODIFIED, V.evaluate(headers("If-None-Match", V.etag())));
        assertEquals(HttpResponseStatus.NOT_MODIFIED, V.evaluate(headers("If-None-Match", "W/" + V.etag())));
        assertEquals(HttpResponseStatus.NOT_MODIFIED, V.evaluate(headers("If-None-Match", "*")));
        assertNull(V.evaluate(headers("If-None-Match", "\"other\"")));
        // If-None-Match present: If-Modified-Since is not looked at.
        assertNull(V.evaluate(headers("If-None-Match", "\"other\"", "If-Modified-Since", SAME)));
    }

    @Test
    void ifModifiedSinceIsNotModifiedFromTheSameSecondOn() {
        assertEquals(HttpResponseStatus.NOT_MODIFIED, V.evaluate(headers("If-Modified-Since", SAME)));
        assertNull(V.evaluate(headers("If-Modified-Since", EARLIER)));
        assertNull(V.evaluate(headers("If-Modified-Since", "not a date")));
        assertNull(V.evaluate(headers()));
    }

    @Test
    void ifRangeTakesTheStrongEtagOrTheExactDate() {
        assertTrue(V.ifRangeHolds(V.etag()));
        assertTrue(V.ifRangeHolds(SAME));
        assertFalse(V.ifRangeHolds("W/" + V.etag()));
        assertFalse(V.ifRangeHolds("\"other\""));
        assertFalse(V.ifRangeHolds(EARLIER));
    }
}
