/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Sets {@code Date: }{@link HttpDates#now()} on every {@link HttpResponse} written through it that has no
 * {@code Date} header (RFC 9110 §6.6.1: an origin server with a clock sends one). Stateless and
 * {@link Sharable}: use {@link #INSTANCE} in every pipeline, after the {@code HttpServerCodec} (closer to the
 * tail), so that it sees responses before they are encoded. Runs on the channel's event loop; never fails.
 *
 * <p>Call {@link HttpDates#warmUp()} at start-up: the first date formatted loads time-zone data from the disk.
 */
@ChannelHandler.Sharable
public final class HttpDateHandler extends ChannelOutboundHandlerAdapter {
    /** The one instance. */
    public static final HttpDateHandler INSTANCE = new HttpDateHandler();

    private HttpDateHandler() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse) {
            HttpResponse r = (HttpResponse) msg;
            if (!r.headers().contains(HttpHeaderNames.DATE)) {
                r.headers().set(HttpHeaderNames.DATE, HttpDates.now());
            }
        }
        ctx.write(msg, promise);
    }
}
