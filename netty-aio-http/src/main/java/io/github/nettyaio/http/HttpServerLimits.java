/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The limits a public HTTP/1.1 server puts on its clients, as nginx has them: a cap on open connections
 * ({@code worker_connections}), deadlines for the request head ({@code client_header_timeout}), for a body that
 * stops arriving ({@code client_body_timeout}) and for an idle keep-alive connection ({@code keepalive_timeout}),
 * and caps on the request line ({@code 414}) and on the header fields' size and count ({@code 431}). Immutable and
 * thread-safe; made with {@link #builder()} or {@link #defaults()}.
 *
 * <p>A server puts them into each child pipeline with {@link #newServerCodec()} and {@link #addHandlers}, and
 * shares one {@link HttpConnectionLimiter} ({@link #newConnectionLimiter()}) among all its listening channels:
 * <pre>{@code
 * HttpServerLimits limits = HttpServerLimits.defaults();
 * HttpConnectionLimiter connections = limits.newConnectionLimiter(); // one per server
 * ServerBootstrap b = new ServerBootstrap().childHandler(new ChannelInitializer<SocketChannel>() {
 *     protected void initChannel(SocketChannel ch) {
 *         ChannelPipeline p = ch.pipeline();
 *         p.addLast("connections", connections); // first: before an SslHandler
 *         p.addLast("http", limits.newServerCodec());
 *         limits.addHandlers(p, "http");
 *         p.addLast("date", HttpDateHandler.INSTANCE);
 *         p.addLast(new HttpServerKeepAliveHandler()); // then the application's handlers
 *     }
 * });
 * }</pre>
 *
 * <p>It is critical to make the codec with {@link #newServerCodec()} (or with the same sizes): the header-size and
 * request-line limits are enforced by Netty's decoder, and {@link HttpRequestGuard} only turns its failures into
 * the right answers. A time of 0 turns that deadline off; a count or size of 0 means no limit (the codec's sizes
 * can't be turned off: 0 means Netty's defaults there).
 */
public final class HttpServerLimits {
    /** The default of {@link Builder#headerTimeout}: 30 s (nginx: {@code client_header_timeout 60s}). */
    public static final long DEFAULT_HEADER_TIMEOUT_MILLIS = 30_000;
    /** The default of {@link Builder#bodyTimeout}: 60 s (nginx: {@code client_body_timeout 60s}). */
    public static final long DEFAULT_BODY_TIMEOUT_MILLIS = 60_000;
    /** The default of {@link Builder#keepAliveTimeout}: 75 s (nginx: {@code keepalive_timeout 75s}). */
    public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS = 75_000;
    /** The default of {@link Builder#maxInitialLineLength}: 8 KiB (nginx: {@code large_client_header_buffers 4 8k}). */
    public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 8192;
    /** The default of {@link Builder#maxHeaderSize}: 8 KiB, all header fields together. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 8192;
    /** The default of {@link Builder#maxHeaderCount}: 100 header fields. */
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    /** The upper bound of the default of {@link Builder#maxConnections}. */
    public static final int MAX_DEFAULT_CONNECTIONS = 10_000;
    /** Descriptors the default of {@link Builder#maxConnections} leaves for everything but connections. */
    public static final int DESCRIPTOR_HEADROOM = 256;
    /** The default of {@link Builder#maxConnections} where the descriptor limit can't be read. */
    public static final int FALLBACK_MAX_CONNECTIONS = 1000;

    private static volatile HttpServerLimits defaults;

    private final int maxConnections;
    private final long headerTimeoutMillis;
    private final long bodyTimeoutMillis;
    private final long keepAliveTimeoutMillis;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final int maxHeaderCount;

    private HttpServerLimits(Builder b) {
        this.maxConnections = b.maxConnections;
        this.headerTimeoutMillis = b.headerTimeoutMillis;
        this.bodyTimeoutMillis = b.bodyTimeoutMillis;
        this.keepAliveTimeoutMillis = b.keepAliveTimeoutMillis;
        this.maxInitialLineLength = b.maxInitialLineLength;
        this.maxHeaderSize = b.maxHeaderSize;
        this.maxHeaderCount = b.maxHeaderCount;
    }

    /**
     * The defaults: see the {@code DEFAULT_*} constants and {@link #defaultMaxConnections()}. The first call reads
     * the descriptor limit (a small file read on Linux): make it at start-up, not on an event loop.
     */
    public static HttpServerLimits defaults() {
        HttpServerLimits d = defaults;
        if (d == null) {
            d = builder().build();
            defaults = d;
        }
        return d;
    }

    /** A builder holding the defaults (which reads the descriptor limit: call it off the event loops). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these limits. */
    public Builder toBuilder() {
        Builder b = new Builder(false);
        b.maxConnections = maxConnections;
        b.headerTimeoutMillis = headerTimeoutMillis;
        b.bodyTimeoutMillis = bodyTimeoutMillis;
        b.keepAliveTimeoutMillis = keepAliveTimeoutMillis;
        b.maxInitialLineLength = maxInitialLineLength;
        b.maxHeaderSize = maxHeaderSize;
        b.maxHeaderCount = maxHeaderCount;
        return b;
    }

    /**
     * The soft limit on open descriptors of this process ({@code RLIMIT_NOFILE}, read from
     * {@code /proc/self/limits}), {@code Long.MAX_VALUE} if unlimited, or -1 if it can't be read (not Linux).
     * Reads a file: call it off the event loops.
     */
    public static long descriptorLimit() {
        Path limits = Paths.get("/proc/self/limits");
        try {
            List<String> lines = Files.readAllLines(limits, StandardCharsets.US_ASCII);
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc
        }
        return -1;
    }

    /**
     * The default connection cap: half of what the descriptor limit leaves after {@link #DESCRIPTOR_HEADROOM}
     * (a file server's connection may hold a file open too), at most {@link #MAX_DEFAULT_CONNECTIONS}, at least
     * 16; {@link #FALLBACK_MAX_CONNECTIONS} if the limit can't be read. With 20,000 descriptors: 9,872.
     */
    public static int defaultMaxConnections() {
        long fds = descriptorLimit();
        if (fds < 0) {
            return FALLBACK_MAX_CONNECTIONS;
        }
        long n = (fds - DESCRIPTOR_HEADROOM) / 2;
        return (int) Math.max(16, Math.min(MAX_DEFAULT_CONNECTIONS, n));
    }

    /** The most open connections; more are closed at once (0: no cap). */
    public int maxConnections() {
        return maxConnections;
    }

    /** Milliseconds a request head may take to arrive whole, from its first byte (0: no deadline). */
    public long headerTimeoutMillis() {
        return headerTimeoutMillis;
    }

    /** Milliseconds a request body may go without a byte arriving (0: no deadline). */
    public long bodyTimeoutMillis() {
        return bodyTimeoutMillis;
    }

    /** Milliseconds a connection may wait, between requests, for the next request's first byte (0: forever). */
    public long keepAliveTimeoutMillis() {
        return keepAliveTimeoutMillis;
    }

    /** The longest request line in bytes; a longer one is answered {@code 414}. */
    public int maxInitialLineLength() {
        return maxInitialLineLength;
    }

    /** The most bytes of header fields; more is answered {@code 431}. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** The most header fields; more is answered {@code 431} (0: no limit). */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /**
     * A new {@link HttpServerCodec} enforcing {@link #maxInitialLineLength()} and {@link #maxHeaderSize()}
     * (header validation on, chunks of at most 8 KiB). One per channel.
     */
    public HttpServerCodec newServerCodec() {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize));
    }

    /** A new connection limiter with cap {@link #maxConnections()}: make one per server and share it. */
    public HttpConnectionLimiter newConnectionLimiter() {
        return new HttpConnectionLimiter(maxConnections);
    }

    /**
     * Adds the deadlines and header caps around the {@link HttpServerCodec} named {@code codecName} in
     * {@code pipeline}: {@code codecName + "-bytes"} before it (it sees the request bytes, after TLS) and
     * {@code codecName + "-limits"} (an {@link HttpRequestGuard}) right after it. Call it from
     * {@code initChannel}, after adding the codec.
     *
     * @throws java.util.NoSuchElementException there is no handler named {@code codecName}
     */
    public void addHandlers(ChannelPipeline pipeline, String codecName) {
        HttpRequestGuard guard = new HttpRequestGuard(this);
        pipeline.addBefore(codecName, codecName + "-bytes", guard.byteWatcher());
        pipeline.addAfter(codecName, codecName + "-limits", guard);
    }

    @Override
    public String toString() {
        return "HttpServerLimits(maxConnections=" + maxConnections + ", headerTimeout=" + headerTimeoutMillis
                + "ms, bodyTimeout=" + bodyTimeoutMillis + "ms, keepAliveTimeout=" + keepAliveTimeoutMillis
                + "ms, maxInitialLineLength=" + maxInitialLineLength + ", maxHeaderSize=" + maxHeaderSize
                + ", maxHeaderCount=" + maxHeaderCount + ")";
    }

    /** Builds {@link HttpServerLimits}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private int maxConnections;
        private long headerTimeoutMillis = DEFAULT_HEADER_TIMEOUT_MILLIS;
        private long bodyTimeoutMillis = DEFAULT_BODY_TIMEOUT_MILLIS;
        private long keepAliveTimeoutMillis = DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS;
        private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
        private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;

        private Builder() {
            this(true);
        }

        private Builder(boolean readDefaultCap) {
            if (readDefaultCap) {
                maxConnections = defaultMaxConnections();
            }
        }

        /** The most open connections (default {@link #defaultMaxConnections()}; 0: no cap). */
        public Builder maxConnections(int n) {
            this.maxConnections = notNegative("maxConnections", n);
            return this;
        }

        /**
         * The request-head deadline (default {@link #DEFAULT_HEADER_TIMEOUT_MILLIS}; 0: none): from the
         * connection's start, or from the first byte of a later request, to its last header line. Bytes arriving
         * don't extend it.
         */
        public Builder headerTimeout(long time, TimeUnit unit) {
            this.headerTimeoutMillis = millis("headerTimeout", time, unit);
            return this;
        }

        /** The body deadline: the longest gap between two reads of body bytes (default 60 s; 0: none). */
        public Builder bodyTimeout(long time, TimeUnit unit) {
            this.bodyTimeoutMillis = millis("bodyTimeout", time, unit);
            return this;
        }

        /** How long a connection waits between requests for the next one's first byte (default 75 s; 0: none). */
        public Builder keepAliveTimeout(long time, TimeUnit unit) {
            this.keepAliveTimeoutMillis = millis("keepAliveTimeout", time, unit);
            return this;
        }

        /** The longest request line in bytes (default 8192; must be positive). */
        public Builder maxInitialLineLength(int bytes) {
            this.maxInitialLineLength = positive("maxInitialLineLength", bytes);
            return this;
        }

        /** The most bytes of all header fields together (default 8192; must be positive). */
        public Builder maxHeaderSize(int bytes) {
            this.maxHeaderSize = positive("maxHeaderSize", bytes);
            return this;
        }

        /** The most header fields (default 100; 0: no limit). */
        public Builder maxHeaderCount(int n) {
            this.maxHeaderCount = notNegative("maxHeaderCount", n);
            return this;
        }

        /** The limits set. */
        public HttpServerLimits build() {
            return new HttpServerLimits(this);
        }

        private static long millis(String what, long time, TimeUnit unit) {
            Objects.requireNonNull(unit, "unit");
            if (time < 0) {
                throw new IllegalArgumentException(what + ": " + time + " (expected >= 0)");
            }
            long ms = unit.toMillis(time);
            return ms == 0 && time > 0 ? 1 : ms;
        }

        private static int notNegative(String what, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(what + ": " + n + " (expected >= 0)");
            }
            return n;
        }

        private static int positive(String what, int n) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + ": " + n + " (expected > 0)");
            }
            return n;
        }
    }
}
