/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.handler.codec.DateFormatter;

import java.util.Date;

/**
 * HTTP dates (RFC 9110 §5.6.7, IMF-fixdate) for {@code Date} and {@code Last-Modified} headers, without per-response
 * work: {@link #now()} formats at most once a second and returns the cached text otherwise. Thread-safe.
 *
 * <p>It is critical to call {@link #warmUp()} before an event loop formats its first date: the first use of
 * time-zone data loads it from the JDK's {@code lib/tzdb.dat}, a blocking read (and, with no descriptor left, a
 * class-initialisation error that ends the loop's thread).
 */
public final class HttpDates {
    private static volatile Cached cached = new Cached(Long.MIN_VALUE, null);

    private HttpDates() {
    }

    /** One second's date, immutable: published whole through {@link #cached}. */
    private static final class Cached {
        final long second;
        final String text;

        Cached(long second, String text) {
            this.second = second;
            this.text = text;
        }
    }

    /**
     * Loads and initialises everything date formatting needs (time-zone data, Netty's {@link DateFormatter}), on
     * the calling thread, which may block on the disk: call it once at start-up, before binding.
     */
    public static void warmUp() {
        format(System.currentTimeMillis());
        DateFormatter.parseHttpDate(now());
        java.time.ZoneId.systemDefault().getRules();
        java.time.ZonedDateTime.now();
    }

    /** The current time as an HTTP date, to the second; formatted at most once per second. */
    public static String now() {
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000);
        Cached c = cached;
        if (c.second != second) {
            c = new Cached(second, format(second * 1000));
            cached = c;
        }
        return c.text;
    }

    /** {@code epochMillis} as an HTTP date (to the second, in GMT), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(long epochMillis) {
        return DateFormatter.format(new Date(epochMillis));
    }
}
