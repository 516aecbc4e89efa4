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
 * <h2>Why</h2>
 * {@link ChunkedWriteHandler} flushes whenever it is asked to go on and its input has no chunk ready yet, which for
 * a {@link ChunkedAioFile} whose next read is still in flight happens for about every other chunk. Such a flush
 * has nothing to send, but {@link SslHandler} answers every flush by wrapping an empty buffer and writing it, and
 * some transports send even an empty buffer to the kernel (Netty 4.2's io_uring channels submit a zero-length
 * {@code SEND} for it): measured on the example server, about 8 extra {@code SEND}s per 1 MiB HTTPS response of
 * 64 KiB chunks, none with this handler (see {@code benchmarks/http-vs-chunkedfile.sh}).
 *
 * <h2>Where it may go</h2>
 * Only writes that pass through this handler count. A handler between it and the head of the pipeline that
 * writes without flushing, and relies on a later {@code channel.flush()} to send that write, must stay above it
 * (on the tail side); Netty's codecs, {@code SslHandler} (which flushes its own handshake and alerts),
 * {@code IdleStateHandler} and {@code HttpServerKeepAliveHandler} are all fine below it. A dropped flush loses
 * nothing: everything written through this handler before it was already followed by a flush that was passed on.
 * One caveat: an {@code SslHandler} built with a {@code delegatedTaskExecutor} that runs tasks later ignores the
 * flushes that arrive while such a task runs, and relies on a later flush for the data written before it; with
 * that setup, keep this handler out of the pipeline (the default executor runs tasks at once and is unaffected).
 *
 * <h2>Threads</h2>
 * Keeps per-channel state: one instance per channel (not {@code @Sharable}); Netty calls it on the channel's event
 * loop only.
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
