/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * An outbound handler that passes a {@code flush()} on only when something was written through it since the
 * flush it last passed on, and drops the others. Put it directly on the head side of {@link ChunkedWriteHandler}
 * when serving {@link ChunkedAioFile}s, above all over TLS:
 *
 * <pre>{@code
 * pipeline.addLast(sslHandler, new HttpServerCodec(), new EmptyFlushFilter(), new ChunkedWriteHandler(), handler);
 * }</pre>
 *
 * {@link ChunkedWriteHandler} flushes whenever its input has no chunk ready yet, as for a {@link ChunkedAioFile}
 * whose next read is in flight; {@link SslHandler} answers each such flush with an empty record write, which some
 * transports send to the kernel (io_uring submits a zero-length {@code SEND}). A dropped flush loses nothing:
 * everything written through this handler was already followed by a flush that was passed on.
 *
 * <p>Netty calls it on the channel's event loop only; it fails nothing itself. It is critical that a handler
 * between it and the head of the pipeline that writes without flushing, and relies on a later
 * {@code channel.flush()} to send that write, stays above it (Netty's codecs, {@code SslHandler},
 * {@code IdleStateHandler} and {@code HttpServerKeepAliveHandler} are fine below it), and that it stays out of a
 * pipeline whose {@code SslHandler} has a {@code delegatedTaskExecutor} that runs tasks later (such a handler
 * ignores the flushes that arrive meanwhile). One instance per channel (not {@code @Sharable}).
 */
public class EmptyFlushFilter extends ChannelOutboundHandlerAdapter {
    private boolean written;
    private long dropped;

    /** Creates a filter for one channel's pipeline. */
    public EmptyFlushFilter() {
    }

    /** Passes the write on and remembers that the next flush has something to send. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        written = true;
        ctx.write(msg, promise);
    }

    /** Passes the flush on when something was written through this handler since the last one, else drops it. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (written) {
            written = false;
            ctx.flush();
        } else {
            dropped++;
        }
    }

    /** How many flushes this handler dropped; for tests and diagnostics. Call it on the channel's event loop. */
    public long droppedFlushes() {
        return dropped;
    }
}
