/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The validators of one file (RFC 9110 §8.8) and the preconditions of a request against them (§13.2.2).
 *
 * <p>The ETag is strong: {@code "size-mtime-id"} in hex, {@code mtime} in nanoseconds and {@code id} a 64-bit mix
 * of the device, the inode and the status-change time ({@code ctime}). Uploads through the service replace the
 * inode, and any write changes {@code mtime} and {@code ctime} (the latter can't be set back, as {@code touch -d}
 * sets back {@code mtime}); the one thing it can't tell apart is an in-place rewrite of the same size within one
 * tick of the file system's clock, as nginx's ETag can't. Device and inode are mixed, not shown. Where the
 * {@code unix} attribute view is missing, the id mixes the file key instead of {@code ctime}.
 *
 * <p>{@link #of} stats the file: call it on a disk thread; the rest is pure computation, any thread.
 */
final class Validators {
    private final String etag;
    private final long lastModifiedMillis;
    private final String lastModified;

    private Validators(String etag, long lastModifiedMillis) {
        this.etag = etag;
        // HTTP dates have second resolution: compare in whole seconds.
        this.lastModifiedMillis = lastModifiedMillis - Math.floorMod(lastModifiedMillis, 1000);
        this.lastModified = DateFormatter.format(new Date(this.lastModifiedMillis));
    }

    /** The validators of the regular file {@code real}, whose attributes are {@code a}. Blocks (stat). */
    static Validators of(Path real, BasicFileAttributes a) throws IOException {
        long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        long id;
        try {
            Map<String, Object> unix = Files.readAttributes(real, "unix:dev,ino,ctime");
            id = mix(mix(((Number) unix.get("dev")).longValue()) ^ ((Number) unix.get("ino")).longValue())
                    ^ ((FileTime) unix.get("ctime")).to(TimeUnit.NANOSECONDS);
        } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            Object key = a.fileKey();
            id = key == null ? 0 : key.hashCode();
        }
        return of(a.size(), mtime, mix(id), a.lastModifiedTime().toMillis());
    }

    /** Validators from their parts (tests). */
    static Validators of(long size, long mtimeNanos, long id, long lastModifiedMillis) {
        String tag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtimeNanos) + "-" + Long.toHexString(id)
                + "\"";
        return new Validators(tag, lastModifiedMillis);
    }

    /** SplitMix64's finaliser: every input bit moves about half of the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The {@code ETag} value, quotes included. */
    String etag() {
        return etag;
    }

    /** The {@code Last-Modified} value. */
    String lastModified() {
        return lastModified;
    }

    /**
     * What the preconditions of a {@code GET}/{@code HEAD} with {@code headers} decide, in RFC 9110's order:
     * {@code If-Match}, else {@code If-Unmodified-Since} ({@code 412} when they fail); then {@code If-None-Match},
     * else {@code If-Modified-Since} ({@code 304} when the client's copy is current).
     *
     * @return {@code 412} or {@code 304}, or null to answer as usual
     */
    HttpResponseStatus evaluate(HttpHeaders headers) {
        String ifMatch = headers.get(HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, true)) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        } else {
            long since = date(headers.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
            if (since != Long.MIN_VALUE && lastModifiedMillis > since) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, false) ? HttpResponseStatus.NOT_MODIFIED : null;
        }
        long since = date(headers.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        if (since != Long.MIN_VALUE && lastModifiedMillis <= since) {
            return HttpResponseStatus.NOT_MODIFIED;
        }
        return null;
    }

    /**
     * Whether an {@code If-Range} value still names this file: the same ETag (strong comparison), or exactly its
     * {@code Last-Modified} date.
     */
    boolean ifRangeHolds(String ifRange) {
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag);
        }
        return v.equals(lastModified);
    }

    /**
     * Whether the list of entity tags {@code header} ({@code *} or {@code "a", W/"b"}) holds this file's:
     * with the strong comparison a weak tag never matches, with the weak one the {@code W/} is ignored.
     */
    private boolean matches(String header, boolean strong) {
        String h = header.trim();
        if (h.equals("*")) {
            return true;
        }
        int i = 0;
        while (i < h.length()) {
            while (i < h.length() && (h.charAt(i) == ',' || h.charAt(i) == ' ' || h.charAt(i) == '\t')) {
                i++;
            }
            boolean weak = h.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= h.length() || h.charAt(i) != '"') {
                return false; // malformed: nothing after it can be trusted to match
            }
            int end = h.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            if ((!weak || !strong) && h.regionMatches(i, etag, 0, etag.length()) && end + 1 - i == etag.length()) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    /** The HTTP date {@code value} in milliseconds, or {@link Long#MIN_VALUE} if absent or invalid (ignored). */
    private static long date(String value) {
        if (value == null) {
            return Long.MIN_VALUE;
        }
        Date d = DateFormatter.parseHttpDate(value);
        return d == null ? Long.MIN_VALUE : d.getTime();
    }
}
