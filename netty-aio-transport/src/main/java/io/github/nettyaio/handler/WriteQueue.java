/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages an {@link AioFileWriter} has received and not written yet, and the backpressure they exert: above
 * the high-water mark of bytes in flight (queued or being written) it holds the channel's reading (autoRead off,
 * {@code read()} held back), and lets go at or below the low-water mark.
 *
 * <p>Used on the channel's event loop only, except {@link #releaseAll()}. It fails only as its channel does. It is
 * critical that every hold is let go ({@link #releaseHold()}) at the end of the input and on failure: a held
 * channel reads nothing more, so the pipeline after the writer would stall.
 */
final class WriteQueue {
    /** The most bytes one batch gathers from queued messages (a larger single message is written alone). */
    static final long MAX_BATCH = 16 << 20;

    private final WriteBufferWaterMark waterMark;
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** Bytes queued or being written. */
    private long bytesInFlight;
    /** Above the high-water mark: reading is held. */
    private boolean holding;
    /** We turned autoRead off (while holding) and owe turning it back on. */
    private boolean autoReadSuspended;
    /** A read() was held back (while holding) and is owed. */
    private boolean readDeferred;
    /** A ChannelInputShutdownEvent was seen: nothing is left to read. */
    private boolean inputShutdown;

    WriteQueue(WriteBufferWaterMark waterMark) {
        this.waterMark = waterMark;
    }

    /** The context whose channel's reading this queue holds; set once, when the handler is added. */
    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Queues {@code msg}, whose readable {@code content} (not empty) is to be written; holds reading if too much. */
    void add(Object msg, ByteBuf content) {
        queued.add(new Pending(msg, content));
        bytesInFlight += content.readableBytes();
        if (bytesInFlight > waterMark.high()) {
            hold();
        }
    }

    boolean isEmpty() {
        return queued.isEmpty();
    }

    /** Takes the next batch: everything queued, up to {@link #MAX_BATCH} bytes but at least one message. */
    Batch poll() {
        List<Object> messages = new ArrayList<>();
        List<ByteBuf> contents = new ArrayList<>();
        long length = 0;
        while (!queued.isEmpty()) {
            int size = queued.peek().content.readableBytes();
            if (!messages.isEmpty() && length + size > MAX_BATCH) {
                break;
            }
            Pending next = queued.poll();
            messages.add(next.msg);
            contents.add(next.content);
            length += size;
        }
        return new Batch(messages, contents, length);
    }

    /** {@code count} bytes of a batch are written: lets go of reading once at or below the low-water mark. */
    void written(long count) {
        bytesInFlight -= count;
        if (bytesInFlight <= waterMark.low()) {
            releaseHold();
        }
    }

    /** Releases every message queued. Loop-safe: also runs on another thread once the channel's loop is gone. */
    void releaseAll() {
        for (Pending pending; (pending = queued.poll()) != null; ) {
            ReferenceCountUtil.release(pending.msg);
        }
    }

    /** After a failure: releases every message queued, forgets the bytes in flight and lets go of reading. */
    void discard() {
        releaseAll();
        bytesInFlight = 0;
        releaseHold();
    }

    /** Nothing is left to read (half-closure): letting go of reading then issues no read. */
    void inputShutdown() {
        inputShutdown = true;
    }

    /** Whether {@code read()} calls are held back now (the caller then drops the read: it is owed). */
    boolean holdRead() {
        if (holding) {
            readDeferred = true;
            return true;
        }
        return false;
    }

    /** Holds reading: turns autoRead off if it is on (also when turned on again meanwhile); read() is held back. */
    private void hold() {
        holding = true;
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            autoReadSuspended = true;
            config.setAutoRead(false);
        }
    }

    /** Stops holding reading: autoRead back on if this queue turned it off, else the read held back issued. */
    void releaseHold() {
        if (!holding) {
            return;
        }
        holding = false;
        boolean owedRead = readDeferred;
        readDeferred = false;
        if (autoReadSuspended) {
            autoReadSuspended = false;
            WriteAutoRead.resume(ctx.channel(), !inputOpen());
        } else if (owedRead && ctx.channel().isActive() && inputOpen()) {
            if (ctx.isRemoved()) {
                ctx.channel().read();
            } else {
                ctx.read();
            }
        }
    }

    /** Whether the channel's input is still open: no ChannelInputShutdownEvent seen, nor shut down. */
    private boolean inputOpen() {
        Channel ch = ctx.channel();
        return !inputShutdown && !(ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown());
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

    /** Messages written together by one write: their contents, in order, and their byte count. */
    static final class Batch {
        private final List<Object> messages;
        private final List<ByteBuf> contents;
        final long length;

        private Batch(List<Object> messages, List<ByteBuf> contents, long length) {
            this.messages = messages;
            this.contents = contents;
            this.length = length;
        }

        /** The single buffer of a one-message batch, else null. */
        ByteBuf single() {
            return contents.size() == 1 ? contents.get(0) : null;
        }

        ByteBuf[] contents() {
            return contents.toArray(new ByteBuf[0]);
        }

        /** Releases the batch's messages. Any thread. */
        void release() {
            for (Object msg : messages) {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
