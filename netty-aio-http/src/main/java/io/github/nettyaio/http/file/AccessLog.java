/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One line per answered request: {@code client method path status bytes ms}, e.g.
 * {@code /127.0.0.1:40312 GET /big.bin 206 1024 3ms}. {@code bytes} counts the body bytes sent (fewer than the
 * length when the transfer broke off, then followed by {@code aborted}); the path is the request target with
 * control characters and spaces {@code %}-escaped, so a line can't be forged by a request. Lines go to a
 * {@link Consumer} (standard output for the command line); it is called on the event loops, so it must be
 * thread-safe and fast.
 */
final class AccessLog {
    private final Consumer<String> sink;

    /** Writes lines to {@code sink}. */
    public AccessLog(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Logs one request.
     *
     * @param startNanos {@link System#nanoTime()} when the request arrived
     * @param aborted    whether the response broke off before it was complete
     */
    public void log(SocketAddress client, String method, String uri, int status, long bytes, long startNanos,
                    boolean aborted) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        sink.accept(client + " " + method + " " + printable(uri) + " " + status + " " + bytes + " " + ms + "ms"
                + (aborted ? " aborted" : ""));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
