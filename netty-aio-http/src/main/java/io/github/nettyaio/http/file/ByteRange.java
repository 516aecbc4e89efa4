/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import java.util.Locale;

/**
 * What to send for a {@code Range} request header (RFC 9110 §14): the whole file, one byte range, or
 * {@code 416 Range Not Satisfiable}.
 *
 * <p>Single byte ranges are honoured: {@code bytes=a-b} (b clamped to the last byte), {@code bytes=a-} and the
 * suffix {@code bytes=-n} (the last n bytes). A range starting at or past the end, a suffix of 0 bytes, or any
 * range of an empty file is unsatisfiable. <b>Multiple ranges</b> ({@code bytes=0-1,5-6}) are not served as
 * {@code multipart/byteranges}: the header is ignored and the whole file is sent with {@code 200}, which RFC
 * 9110 allows. So are headers that are malformed or use another unit. Pure computation: any thread.
 */
final class ByteRange {
    /** What {@link #parse} decided. */
    public enum Kind {
        /** Send the whole file ({@code 200}): no header, multiple ranges, or a header to ignore. */
        FULL,
        /** Send {@link #start()} .. {@link #end()} ({@code 206} with {@code Content-Range}). */
        PARTIAL,
        /** Answer {@code 416} with {@code Content-Range: bytes *}{@code /size}. */
        UNSATISFIABLE
    }

    private final Kind kind;
    private final long start;
    private final long end;
    private final long size;

    private ByteRange(Kind kind, long start, long end, long size) {
        this.kind = kind;
        this.start = start;
        this.end = end;
        this.size = size;
    }

    /** The whole of a file of {@code size} bytes. */
    public static ByteRange full(long size) {
        return new ByteRange(Kind.FULL, 0, size - 1, size);
    }

    /**
     * Decides the range for header value {@code header} ({@code null}: no header) of a file of {@code size}
     * bytes.
     */
    public static ByteRange parse(String header, long size) {
        if (header == null) {
            return full(size);
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return full(size);
        }
        String spec = null;
        for (String part : h.substring(eq + 1).split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (spec != null) {
                return full(size); // several ranges: documented as served whole
            }
            spec = p;
        }
        if (spec == null) {
            return full(size);
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return full(size);
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            long n = number(last);
            if (n < 0) {
                return full(size);
            }
            if (n == 0 || size == 0) {
                return unsatisfiable(size);
            }
            return new ByteRange(Kind.PARTIAL, Math.max(0, size - n), size - 1, size);
        }
        long a = number(first);
        if (a < 0) {
            return full(size);
        }
        long b;
        if (last.isEmpty()) {
            b = Long.MAX_VALUE;
        } else {
            b = number(last);
            if (b < 0 || b < a) {
                return full(size); // syntactically invalid: ignored
            }
        }
        if (a >= size) {
            return unsatisfiable(size);
        }
        return new ByteRange(Kind.PARTIAL, a, Math.min(b, size - 1), size);
    }

    private static ByteRange unsatisfiable(long size) {
        return new ByteRange(Kind.UNSATISFIABLE, -1, -1, size);
    }

    /** A non-negative decimal, saturating at {@link Long#MAX_VALUE}; -1 if {@code s} is not all digits. */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
        }
        return v;
    }

    /** The decision. */
    public Kind kind() {
        return kind;
    }

    /** The first byte to send (0 for {@link Kind#FULL}). */
    public long start() {
        return start;
    }

    /** The last byte to send, inclusive ({@code size - 1} for {@link Kind#FULL}). */
    public long end() {
        return end;
    }

    /** The bytes to send (0 for {@link Kind#UNSATISFIABLE}). */
    public long length() {
        return kind == Kind.UNSATISFIABLE ? 0 : end - start + 1;
    }

    /** The {@code Content-Range} value: {@code bytes a-b/size}, or {@code bytes *}{@code /size} for 416. */
    public String contentRange() {
        return kind == Kind.UNSATISFIABLE ? "bytes */" + size : "bytes " + start + "-" + end + "/" + size;
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.FULL ? "" : " " + contentRange());
    }
}
