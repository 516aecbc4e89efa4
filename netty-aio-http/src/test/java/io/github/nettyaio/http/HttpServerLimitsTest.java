/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServerLimitsTest {
    @Test
    void defaults() {
        HttpServerLimits d = HttpServerLimits.defaults();
        assertEquals(30_000, d.headerTimeoutMillis());
        assertEquals(60_000, d.bodyTimeoutMillis());
        assertEquals(75_000, d.keepAliveTimeoutMillis());
        assertEquals(8192, d.maxInitialLineLength());
        assertEquals(8192, d.maxHeaderSize());
        assertEquals(100, d.maxHeaderCount());
        assertEquals(HttpServerLimits.defaultMaxConnections(), d.maxConnections());
        long fds = HttpServerLimits.descriptorLimit();
        if (fds > 0 && fds < Long.MAX_VALUE) {
            // Below the descriptor limit, with room for one open file per connection.
            assertTrue(2L * d.maxConnections() < fds || d.maxConnections() == 16, d + " with " + fds);
        }
        assertTrue(d.maxConnections() <= HttpServerLimits.MAX_DEFAULT_CONNECTIONS);
    }

    @Test
    void builder() {
        HttpServerLimits l = HttpServerLimits.builder().maxConnections(7).headerTimeout(2, TimeUnit.SECONDS)
                .bodyTimeout(3, TimeUnit.SECONDS).keepAliveTimeout(0, TimeUnit.SECONDS).maxInitialLineLength(100)
                .maxHeaderSize(200).maxHeaderCount(5).build();
        assertEquals(7, l.maxConnections());
        assertEquals(2000, l.headerTimeoutMillis());
        assertEquals(3000, l.bodyTimeoutMillis());
        assertEquals(0, l.keepAliveTimeoutMillis());
        assertEquals(100, l.maxInitialLineLength());
        assertEquals(200, l.maxHeaderSize());
        assertEquals(5, l.maxHeaderCount());
        assertEquals(l.toString(), l.toBuilder().build().toString());
        assertEquals(7, l.newConnectionLimiter().maxConnections());
        assertEquals(1, HttpServerLimits.builder().headerTimeout(1, TimeUnit.MICROSECONDS).build()
                .headerTimeoutMillis(), "a positive time never rounds to 'off'");
        assertThrows(IllegalArgumentException.class, () -> HttpServerLimits.builder().maxConnections(-1));
        assertThrows(IllegalArgumentException.class, () -> HttpServerLimits.builder().maxHeaderSize(0));
        assertThrows(IllegalArgumentException.class, () -> HttpServerLimits.builder().maxInitialLineLength(0));
        assertThrows(IllegalArgumentException.class, () -> HttpServerLimits.builder().maxHeaderCount(-1));
        assertThrows(IllegalArgumentException.class,
                () -> HttpServerLimits.builder().bodyTimeout(-1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new HttpConnectionLimiter(-1));
    }

    @Test
    void addHandlersAroundTheCodec() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("http", HttpServerLimits.defaults().newServerCodec());
        HttpServerLimits.defaults().addHandlers(ch.pipeline(), "http");
        assertEquals(java.util.List.of("http-bytes", "http", "http-limits", "DefaultChannelPipeline$TailContext#0"),
                ch.pipeline().names());
        assertTrue(ch.pipeline().get("http") instanceof HttpServerCodec);
        assertTrue(ch.pipeline().get("http-limits") instanceof HttpRequestGuard);
        ch.finishAndReleaseAll();
    }

    @Test
    void dateHandlerDatesResponsesWithoutOne() {
        EmbeddedChannel ch = new EmbeddedChannel(HttpDateHandler.INSTANCE);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        ch.writeOutbound(r);
        FullHttpResponse out = ch.readOutbound();
        assertNotNull(io.netty.handler.codec.DateFormatter.parseHttpDate(out.headers().get(HttpHeaderNames.DATE)));
        out.release();
        FullHttpResponse given = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        given.headers().set(HttpHeaderNames.DATE, "Sun, 06 Nov 1994 08:49:37 GMT");
        ch.writeOutbound(given);
        FullHttpResponse kept = ch.readOutbound();
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", kept.headers().get(HttpHeaderNames.DATE), "kept");
        kept.release();
        ch.finishAndReleaseAll();
    }
}
