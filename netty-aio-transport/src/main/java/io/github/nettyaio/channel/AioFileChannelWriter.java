/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.StringUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The writing side of a writing {@link AioFileChannel}: gathers flushed buffers into one positional write of up
 * to {@code CHUNK_SIZE} bytes at a time, appending from the file's size at connect, and removes each buffer from
 * the {@link ChannelOutboundBuffer} only once its bytes are in the file.
 *
 * <p>Everything runs on the channel's event loop, where the file's writes complete. A write error fails that
 * write's promise and every later one, fires {@code exceptionCaught} and, with {@code autoClose}, closes the
 * channel.
 *
 * <p>It is critical that at most one write is in flight: each write's position follows the previous one, and
 * the outbound buffer's entries are removed in the order they were written.
 */
final class AioFileChannelWriter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileChannelWriter.class);
    /** At most this many buffers are gathered into one write. */
    private static final int MAX_GATHER = 1024;

    private final AioFileChannel channel;
    private final AioFileChannelConfig config;
    /** The file once connected for writing; else null. */
    private AioFile file;
    private long writePosition;
    private boolean writeInFlight;
    private Throwable writeFailure;
    private boolean failingWrites;

    AioFileChannelWriter(AioFileChannel channel, AioFileChannelConfig config) {
        this.channel = channel;
        this.config = config;
    }

    /** The channel connected to {@code opened} for writing; appending starts at {@code size}. */
    void connected(AioFile opened, long size) {
        file = opened;
        writePosition = size;
    }

    /** Whether a write is in flight. */
    boolean isWriting() {
        return writeInFlight;
    }

    /** The error of the first failed write, or null. */
    Throwable failure() {
        return writeFailure;
    }

    /**
     * Returns {@code msg} if the channel, connected to {@code address} (null before connect) and {@code closing}
     * or not, can write it (the channel's {@code filterOutboundMessage}); else throws why not.
     */
    Object accept(Object msg, AioFileAddress address, boolean closing) throws Exception {
        if (address != null && !address.isWrite()) {
            throw new UnsupportedOperationException("write on " + channel + ": the channel is connected to "
                    + address + ", which is read-only (connect to AioFileAddress.write(...) to write)");
        }
        if (!(msg instanceof ByteBuf)) {
            throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                    + " (an AioFileChannel writes ByteBuf)");
        }
        if (closing) {
            ClosedChannelException e = new ClosedChannelException();
            e.initCause(new IllegalStateException("write after close() on " + channel));
            throw e;
        }
        if (writeFailure != null) {
            throw earlierWriteFailed(writeFailure);
        }
        return msg;
    }

    private IOException earlierWriteFailed(Throwable cause) {
        return new IOException("an earlier write on " + channel + " failed", cause);
    }

    /** Starts the next write unless one is in flight; finishes a pending close when everything is written. */
    void issueWrites(ChannelOutboundBuffer in) throws Exception {
        for (;;) {
            if (writeInFlight || in == null || file == null) {
                return;
            }
            if (writeFailure != null || !channel.isOpen()) {
                failWrites(in, writeFailure != null ? earlierWriteFailed(writeFailure) : new ClosedChannelException());
                channel.maybeFinishClose();
                return;
            }
            Object head = in.current();
            if (head == null) {
                channel.maybeFinishClose();
                return;
            }
            if (!((ByteBuf) head).isReadable()) {
                in.remove(); // nothing to write (or a cancelled entry); its listeners may write more
                continue;
            }
            break;
        }
        int limit = config.getChunkSize();
        List<ByteBuf> bufs = new ArrayList<>();
        long[] bytes = new long[1];
        in.forEachFlushedMessage(msg -> {
            ByteBuf buf = (ByteBuf) msg;
            int readable = buf.readableBytes();
            if (readable == 0 || (!bufs.isEmpty() && (bytes[0] + readable > limit || bufs.size() >= MAX_GATHER))) {
                return false;
            }
            bufs.add(buf);
            bytes[0] += readable;
            return true;
        });
        long position = writePosition;
        writePosition += bytes[0];
        writeInFlight = true;
        Future<?> pending = bufs.size() == 1 ? file.write(bufs.get(0), position)
                : file.write(bufs.toArray(new ByteBuf[0]), position);
        pending.addListener(done -> writeDone(bufs, pending));
    }

    private void writeDone(List<ByteBuf> bufs, Future<?> done) throws Exception {
        ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
        Throwable cause = done.isSuccess() ? null : done.cause();
        boolean loopGone = !channel.eventLoop().inEventLoop();
        if (in != null) {
            // writeInFlight stays set while the entries are removed: their listeners may write and flush more.
            for (ByteBuf buf : bufs) {
                Object head;
                while ((head = in.current()) != null && head != buf) {
                    remove(in, null); // cancelled entries, skipped when gathering
                }
                if (head == null) {
                    break;
                }
                remove(in, cause);
            }
        }
        writeInFlight = false;
        if (cause == null && loopGone) {
            cause = new IOException("event loop " + channel.eventLoop() + " shut down while " + channel
                    + " was writing");
        }
        if (cause != null && writeFailure == null) {
            writeFailure = cause;
            if (in != null) {
                failWrites(in, earlierWriteFailed(cause));
            }
            if (!loopGone) {
                channel.pipeline().fireExceptionCaught(cause);
                if (channel.isActiveAndNotClosing() && config.isAutoClose()) {
                    channel.closeQuietly();
                    return;
                }
            }
        }
        issueWrites(in);
    }

    /**
     * Removes the outbound buffer's current entry, failing it with {@code cause} unless null. Once the loop is
     * gone, pipeline events (writability) can't be delivered: the entry is still released and its promise
     * completed.
     */
    private boolean remove(ChannelOutboundBuffer in, Throwable cause) {
        try {
            return cause == null ? in.remove() : in.remove(cause);
        } catch (RejectedExecutionException e) {
            logger.debug("{}: event loop gone, writability change not delivered", channel, e);
            return true;
        }
    }

    /** Fails every entry of {@code in} with {@code cause}; not re-entered by the entries' listeners. */
    void failWrites(ChannelOutboundBuffer in, Throwable cause) {
        if (failingWrites) {
            return;
        }
        failingWrites = true;
        try {
            while (remove(in, cause)) {
                // each listener may write more; those fail in filterOutboundMessage
            }
        } finally {
            failingWrites = false;
        }
    }
}
