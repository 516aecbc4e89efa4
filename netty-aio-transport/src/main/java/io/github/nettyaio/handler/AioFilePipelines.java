/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

import javax.net.ssl.SSLEngine;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Sets a channel's pipeline up for writing {@link ChunkedAioFile}s, in one call made where the pipeline is built:
 * after the codecs (and the {@code SslHandler}, if any), before the handler that writes the files.
 *
 * <pre>{@code
 * protected void initChannel(SocketChannel ch) {
 *     ChannelPipeline p = ch.pipeline();
 *     p.addLast(sslContext.newHandler(ch.alloc()));         // for HTTPS
 *     p.addLast(new HttpServerCodec());
 *     AioFilePipelines.addFileServing(p);                   // EmptyFlushFilter, ChunkedWriteHandler; TLS tuned
 *     p.addLast(myHandler);                                 // writes ChunkedAioFile.open(ctx.channel(), path)
 * }
 * }</pre>
 *
 * <p>Call it where the pipeline is built or on the channel's event loop; the TLS tuning runs on that loop once
 * the handshake has succeeded (a failed handshake tunes nothing). Nothing here fails but Netty's own pipeline
 * checks. It is critical that the {@link ChunkedWriteHandler} of file bodies is the first one of the pipeline:
 * {@link ChunkedAioFile} resumes that one.
 */
public final class AioFilePipelines {
    private AioFilePipelines() {
    }

    /**
     * Makes {@code pipeline} ready to serve {@link ChunkedAioFile}s well, plain or over TLS. Idempotent: a second
     * call (or a pipeline that already has these handlers) adds nothing.
     * <ul>
     * <li>A {@link ChunkedWriteHandler}: added at the tail if the pipeline has none (else the first one is
     *     used).</li>
     * <li>An {@link EmptyFlushFilter} on the head side of that {@code ChunkedWriteHandler}: added directly before
     *     it unless there is one already. {@code ChunkedWriteHandler} flushes whenever it is resumed and the next
     *     chunk's read has not completed yet; over TLS each such flush would be an empty record write (and on
     *     io_uring a zero-length {@code SEND}), about 8 per 1 MiB of 64 KiB chunks.</li>
     * <li>The first {@link SslHandler} of the pipeline, if its engine is the JDK's: {@code setWrapDataSize(0)}
     *     once its handshake has succeeded, so that each chunk goes to the engine whole (as consecutive records).
     *     By default {@code SslHandler} cuts pieces of at most 16 KiB, merging small writes into them; the JDK's
     *     engine takes less than that per TLS 1.3 record (16367 bytes on JDK 17), and the rest of each piece is
     *     then copied together with the next one into a new buffer: nearly every byte of a body copied once more.
     *     OpenSSL (netty-tcnative) and Conscrypt engines take whole 16 KiB pieces, which are slices of the chunk
     *     (no copy), and gain from the merging of small writes (such as HTTP chunk framing) into fewer records:
     *     their handlers are left as they are. Not before the handshake: with a wrap size of 0, Netty 4.2's
     *     {@code SslHandler} spins forever on the event loop when more than 16 KiB are flushed while the
     *     handshake is still going on (the engine then takes and gives nothing, and {@code wrapMultiple} tries
     *     again), which a server writing as soon as the channel is active does. Each handler is tuned once; to
     *     choose another wrap size, set it in a listener of {@code handshakeFuture()} added after this call.</li>
     * </ul>
     * An {@code SslHandler} that enters the pipeline later (an {@code SniHandler} replacing itself once it knows
     * the host name, or {@code STARTTLS}) is tuned by the {@code EmptyFlushFilter} this method added, when the
     * first message is written through it after the {@code SslHandler} appeared (before any file chunk can reach
     * the {@code SslHandler}). If the filter was yours, call this method again once the {@code SslHandler} is in.
     *
     * <p>Call it where the pipeline is built ({@code initChannel}) or on the channel's event loop, not from two
     * threads at once.
     *
     * @return {@code pipeline}
     */
    public static ChannelPipeline addFileServing(ChannelPipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        EmptyFlushFilter filter = null;
        String chunked = null;
        for (Map.Entry<String, ChannelHandler> e : pipeline) {
            ChannelHandler h = e.getValue();
            if (h instanceof ChunkedWriteHandler) {
                chunked = e.getKey();
                break;
            }
            if (h instanceof EmptyFlushFilter) {
                filter = (EmptyFlushFilter) h;
            }
        }
        if (chunked == null) {
            if (filter == null) {
                filter = new TlsTuningFlushFilter();
                pipeline.addLast(filter);
            }
            pipeline.addLast(new ChunkedWriteHandler());
        } else if (filter == null) {
            filter = new TlsTuningFlushFilter();
            pipeline.addBefore(chunked, null, filter);
        }
        SslHandler ssl = pipeline.get(SslHandler.class);
        if (ssl != null) {
            if (filter instanceof TlsTuningFlushFilter) {
                ((TlsTuningFlushFilter) filter).tune(ssl);
            } else {
                tune(ssl);
            }
        }
        return pipeline;
    }

    /** {@code setWrapDataSize(0)} for the JDK's engine, once the handshake has succeeded ({@link #addFileServing}). */
    static void tune(SslHandler ssl) {
        if (isJdkEngine(ssl.engine())) {
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    ssl.setWrapDataSize(0);
                }
            });
        }
    }

    /**
     * Whether {@code engine} is the JDK's (or another that {@code SslHandler} treats as one, such as
     * BouncyCastle's): neither an OpenSSL engine of netty-tcnative nor a Conscrypt one, as {@code SslHandler}
     * itself tells them apart.
     */
    static boolean isJdkEngine(SSLEngine engine) {
        return !(engine instanceof ReferenceCountedOpenSslEngine)
                && !engine.getClass().getName().toLowerCase(Locale.ROOT).contains("conscrypt");
    }

    /**
     * The {@link EmptyFlushFilter} {@link #addFileServing} adds: also tunes the first {@code SslHandler} of the
     * pipeline when a message is written through it and that handler was not tuned yet (one pipeline lookup per
     * write, a few references followed).
     */
    static final class TlsTuningFlushFilter extends EmptyFlushFilter {
        /** The SslHandler tuned last; read and written on the channel's loop (and by addFileServing). */
        private volatile SslHandler tuned;

        void tune(SslHandler ssl) {
            if (ssl != tuned) {
                tuned = ssl;
                AioFilePipelines.tune(ssl);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null) {
                tune(ssl);
            }
            super.write(ctx, msg, promise);
        }
    }
}
