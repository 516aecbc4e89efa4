/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stores the inbound bytes of a channel in an {@link AioFile}, without blocking the event loop: every inbound
 * {@link ByteBuf}, and the content of every {@link HttpContent}, is written in arrival order at consecutive
 * positions from {@code startPosition}, and released once written.
 *
 * <pre>{@code
 * AioFile file = AioFile.open(ch.eventLoop(), path, CREATE, WRITE, TRUNCATE_EXISTING);
 * AioFileWriteHandler store = new AioFileWriteHandler(file, 0);
 * ch.pipeline().addLast(new HttpServerCodec(), store, new MyHandler());  // MyHandler sees the HttpRequest,
 * store.completion().addListener(f -> file.closeAsync());                 // then AioFileWriteComplete
 * }</pre>
 *
 * <h2>Messages</h2>
 * <ul>
 * <li>{@link ByteBuf}: written.</li>
 * <li>{@link HttpContent}: its content written; a {@link LastHttpContent} ends the input (its trailing headers
 *     are not passed on). A message that is both an {@link HttpMessage} and content (a {@code FullHttpRequest}
 *     or {@code FullHttpResponse}) has its request or response line and headers passed on as a
 *     {@link DefaultHttpRequest}/{@link DefaultHttpResponse} and its content written. Content whose
 *     {@link DecoderResult} is a failure fails the handler with that cause.</li>
 * <li>Anything else (e.g. an {@link HttpRequest}): passed on down the pipeline, untouched.</li>
 * <li>After the input has ended, every message is passed on untouched; after a failure, {@code ByteBuf}s and
 *     {@code HttpContent}s are released (the failure has already been reported).</li>
 * </ul>
 *
 * <h2>End of input</h2>
 * The input ends at a {@link LastHttpContent}, at a {@link ChannelInputShutdownEvent} (half-closure, with
 * {@code ALLOW_HALF_CLOSURE}), at {@code channelInactive}, or when this handler is removed from the pipeline.
 * The handler then waits for the writes in flight, syncs the file ({@link AioFile#sync()}), fires the user
 * event {@link AioFileWriteComplete} to the next handlers and completes {@link #completion()} with the byte
 * count. After {@code channelInactive} or removal, the pipeline may be torn down before that: then only
 * {@link #completion()} is reliable (the event is fired only while this handler is still in the pipeline).
 * Events and {@code channelInactive} are always passed on. An {@code exceptionCaught} from upstream (e.g. a reset
 * connection) is passed on too and does not end the input; the {@code channelInactive} that usually follows does,
 * so a raw byte stream cut short completes with the bytes received. An HTTP body (once an {@link HttpContent} has
 * been seen) must end with its {@link LastHttpContent}: if the input ends otherwise (the connection closed or
 * half-closed, or this handler removed, before it), what was received is still written and synced, then
 * {@link #completion()} fails with a {@link PrematureChannelClosureException} (and {@code exceptionCaught} fires
 * while the handler is in the pipeline).
 *
 * <h2>Backpressure</h2>
 * When more than the high-water mark of bytes is queued or being written, the handler turns the channel's
 * {@code autoRead} off, and turns it back on once the bytes in flight are down to the low-water mark or fewer
 * (with a low-water mark of 0: once everything is written) (defaults 1 MiB / 4 MiB). This is done only when
 * {@code autoRead} was on when the handler was added (a channel read manually is left to its reader); at the end
 * or on failure, {@code autoRead} is restored to that original value. At most one write is in flight: messages
 * arriving meanwhile are queued and written together next (one vectored {@link AioFile#write(ByteBuf[], long)} of
 * up to 16 MiB).
 *
 * <h2>Failures</h2>
 * A failed write or sync fires {@code exceptionCaught} with the {@link AioFile}'s {@link IOException} (naming
 * the errno and path), fails {@link #completion()} with it and releases every message queued; nothing is
 * dropped silently. The handler does not close the channel (do that in {@code exceptionCaught}) and never
 * closes the file.
 *
 * <h2>Threads</h2>
 * All state lives on the channel's event loop. The file may be on any event loop: its completions are moved
 * to the channel's. If the channel's loop shuts down with a write in flight, the write's messages are
 * released on the file's loop and {@link #completion()} fails with an {@link IOException}.
 *
 * <p>Not {@link io.netty.channel.ChannelHandler.Sharable sharable}: one instance per channel and file.
 */
public class AioFileWriteHandler extends ChannelInboundHandlerAdapter {
    /** The default water marks: low 1 MiB, high 4 MiB of bytes in flight. */
    public static final WriteBufferWaterMark DEFAULT_WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
    /** The most bytes one write gathers from queued messages (a larger single message is written alone). */
    private static final long MAX_BATCH = 16 << 20;

    private final AioFile file;
    private final long startPosition;
    private final WriteBufferWaterMark waterMark;
    private final ChannelBoundPromise<Long> completion = new ChannelBoundPromise<>();

    private ChannelHandlerContext ctx;
    /** Messages received and not written yet. */
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    /** Bytes queued or being written. */
    private long bytesInFlight;
    /** Bytes written successfully. */
    private long written;
    private boolean writing;
    private boolean ended;
    private boolean inputShutdown;
    /** An HttpContent was seen: the input must end with a LastHttpContent. */
    private boolean http;
    private boolean lastHttpContent;
    private boolean syncing;
    private Throwable failure;
    private boolean originalAutoRead;
    /** We turned autoRead off and owe turning it back on. */
    private boolean autoReadSuspended;

    /**
     * Writes the input to {@code file} from {@code startPosition}, with {@link #DEFAULT_WATER_MARK}.
     *
     * @throws IllegalArgumentException a negative {@code startPosition}
     */
    public AioFileWriteHandler(AioFile file, long startPosition) {
        this(file, startPosition, DEFAULT_WATER_MARK);
    }

    /**
     * Writes the input to {@code file} from {@code startPosition}; {@code autoRead} is turned off above
     * {@code waterMark.high()} bytes in flight and back on at {@code waterMark.low()} or fewer (0: once all is
     * written).
     *
     * @throws IllegalArgumentException a negative {@code startPosition}
     */
    public AioFileWriteHandler(AioFile file, long startPosition, WriteBufferWaterMark waterMark) {
        this.file = Objects.requireNonNull(file, "file");
        this.waterMark = Objects.requireNonNull(waterMark, "waterMark");
        if (startPosition < 0) {
            throw new IllegalArgumentException("negative startPosition: " + startPosition);
        }
        this.startPosition = startPosition;
    }

    /**
     * A future that succeeds, on the channel's event loop, with the number of bytes written once the input has
     * ended and the file is synced; it fails with the first write or sync error (or an {@link IOException} if
     * the channel's loop shuts down first). It can be obtained before the handler is added to a pipeline.
     */
    public Future<Long> completion() {
        return completion;
    }

    /** The file written to (never closed by this handler). */
    public AioFile file() {
        return file;
    }

    /** The position the first byte is written at. */
    public long startPosition() {
        return startPosition;
    }

    /** The water marks for {@code autoRead}. */
    public WriteBufferWaterMark waterMark() {
        return waterMark;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        completion.bind(ctx.executor());
        originalAutoRead = ctx.channel().config().isAutoRead();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        endInput();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean content = msg instanceof ByteBuf || msg instanceof HttpContent;
        if (!content || ended && failure == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failure != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            enqueue(msg, (ByteBuf) msg);
            return;
        }
        http = true;
        if (msg instanceof HttpMessage) {
            ctx.fireChannelRead(head((HttpMessage) msg));
        }
        DecoderResult result = ((DecoderResultProvider) msg).decoderResult();
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(result.cause());
            return;
        }
        enqueue(msg, ((HttpContent) msg).content());
        if (msg instanceof LastHttpContent) {
            lastHttpContent = true;
            endInput();
        }
    }

    /** The request or response line and headers of a full message, without its content. */
    private static HttpMessage head(HttpMessage m) {
        if (m instanceof HttpRequest) {
            HttpRequest r = (HttpRequest) m;
            return new DefaultHttpRequest(r.protocolVersion(), r.method(), r.uri(), r.headers());
        }
        HttpResponse r = (HttpResponse) m;
        return new DefaultHttpResponse(r.protocolVersion(), r.status(), r.headers());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            endInput();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endInput();
        ctx.fireChannelInactive();
    }

    private void enqueue(Object msg, ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.add(new Pending(msg, data));
        bytesInFlight += n;
        if (bytesInFlight > waterMark.high() && originalAutoRead && !autoReadSuspended) {
            ChannelConfig config = ctx.channel().config();
            if (config.isAutoRead()) {
                autoReadSuspended = true;
                config.setAutoRead(false);
            }
        }
        writeNext();
    }

    /** Starts the next write of everything queued, or finishes once the input has ended and all is written. */
    private void writeNext() {
        if (writing || syncing || failure != null) {
            return;
        }
        if (queued.isEmpty()) {
            if (ended) {
                sync();
            }
            return;
        }
        // Everything queued, in one write (up to MAX_BATCH bytes, but at least one message).
        ArrayList<Object> msgs = new ArrayList<>();
        ArrayList<ByteBuf> contents = new ArrayList<>();
        long length = 0;
        while (!queued.isEmpty()) {
            int n = queued.peek().content.readableBytes();
            if (!msgs.isEmpty() && length + n > MAX_BATCH) {
                break;
            }
            Pending next = queued.poll();
            msgs.add(next.msg);
            contents.add(next.content);
            length += n;
        }
        long expected = length;
        writing = true;
        long position = startPosition + written;
        Future<? extends Number> f = contents.size() == 1 ? file.write(contents.get(0), position)
                : file.write(contents.toArray(new ByteBuf[0]), position);
        LoopHop.whenDone(f, ctx.executor(), done -> onWritten(done, msgs, position, expected), done -> orphaned(msgs));
    }

    private void onWritten(Future<? extends Number> f, List<Object> msgs, long position, long expected) {
        for (Object m : msgs) {
            ReferenceCountUtil.release(m);
        }
        writing = false;
        if (!f.isSuccess()) {
            fail(f.cause());
            return;
        }
        long n = f.getNow().longValue();
        if (n != expected) {        // AioFile.write retries short writes: never expected
            fail(new IOException("wrote " + n + " of " + expected + " bytes at " + position + " to " + file));
            return;
        }
        written += n;
        bytesInFlight -= n;
        if (autoReadSuspended && bytesInFlight <= waterMark.low()) {
            resumeAutoRead();
        }
        writeNext();
    }

    /**
     * The channel's loop is gone with a write in flight: nothing runs there any more, so release this write's
     * messages and the queued ones here, and fail the completion.
     */
    private void orphaned(List<Object> msgs) {
        for (Object m : msgs) {
            ReferenceCountUtil.release(m);
        }
        releaseQueued();
        completion.tryFailure(new IOException("the event loop of " + ctx.channel() + " shut down while writing to "
                + file));
    }

    private void releaseQueued() {
        for (Pending m; (m = queued.poll()) != null; ) {
            ReferenceCountUtil.release(m.msg);
        }
    }

    private void endInput() {
        if (ended) {
            return;
        }
        ended = true;
        writeNext();
    }

    private void sync() {
        syncing = true;
        LoopHop.whenDone(file.sync(), ctx.executor(), this::onSynced,
                done -> completion.tryFailure(new IOException("the event loop of " + ctx.channel()
                        + " shut down while syncing " + file)));
    }

    private void onSynced(Future<Void> f) {
        if (!f.isSuccess()) {
            fail(f.cause());
            return;
        }
        if (http && !lastHttpContent) {
            fail(new PrematureChannelClosureException("the HTTP body ended without its LastHttpContent after "
                    + written + " bytes (written and synced to " + file + ")"));
            return;
        }
        restoreAutoRead();
        if (!ctx.isRemoved()) {
            ctx.fireUserEventTriggered(new AioFileWriteComplete(written));
        }
        completion.trySuccess(written);
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        releaseQueued();
        bytesInFlight = 0;
        restoreAutoRead();
        if (!ctx.isRemoved()) {
            ctx.fireExceptionCaught(cause);
        }
        completion.tryFailure(cause);
    }

    private void resumeAutoRead() {
        autoReadSuspended = false;
        Channel ch = ctx.channel();
        if (!inputShutdown && !(ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown())) {
            ch.config().setAutoRead(true);
            return;
        }
        // Nothing is left to read, but turning autoRead on calls read(): on a half-closed channel, Netty 4.2.18's
        // epoll transport then fails epoll_ctl (ENOENT: it removed the descriptor from the epoll set) and closes
        // the channel. Restore the flag with that read swallowed.
        ChannelPipeline p = ch.pipeline();
        p.addFirst(NoRead.INSTANCE);
        try {
            ch.config().setAutoRead(true);
        } finally {
            p.remove(NoRead.INSTANCE);
        }
    }

    /** Turns autoRead back on if this handler turned it off (it was on originally). */
    private void restoreAutoRead() {
        if (autoReadSuspended) {
            resumeAutoRead();
        }
    }

    /** A message waiting to be written, and the bytes of it that are. */
    private static final class Pending {
        final Object msg;
        final ByteBuf content;

        Pending(Object msg, ByteBuf content) {
            this.msg = msg;
            this.content = content;
        }
    }

    /** Swallows {@code read()}, while autoRead is restored on a channel whose input is shut down. */
    @Sharable
    private static final class NoRead extends ChannelOutboundHandlerAdapter {
        static final NoRead INSTANCE = new NoRead();

        @Override
        public void read(ChannelHandlerContext ctx) {
        }
    }

    @Override
    public String toString() {
        return "AioFileWriteHandler(" + file + " from " + startPosition + ", written " + written
                + (ended ? ", ended" : "") + (failure != null ? ", failed" : "") + ")";
    }
}
