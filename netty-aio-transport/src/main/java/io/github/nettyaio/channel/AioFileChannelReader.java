/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.internal.ReadAheadWindow;
import io.github.nettyaio.internal.ReadAheadWindow.Read;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * The reading side of a reading {@link AioFileChannel}: keeps up to {@code READ_AHEAD} reads in flight in a
 * {@link ReadAheadWindow}, delivers the completed ones in file order as bursts of {@code channelRead}s ended by
 * one {@code channelReadComplete}, reads on after short reads, and closes the channel at EOF.
 *
 * <p>Everything runs on the channel's event loop, where the file's reads complete. A read error, or an
 * {@code fstat} failure after a short read, fires {@code exceptionCaught} and closes the channel.
 *
 * <p>It is critical that the window is dropped, not cleared, when the channel closes: reads still in flight own
 * their buffers until they complete, and the close waits for {@link #readsInFlight()} to reach zero.
 */
final class AioFileChannelReader {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileChannelReader.class);
    private static final int O_DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;

    private final AioFileChannel channel;
    private final AioFileChannelConfig config;
    /** Reads in file order: in flight, or completed and not yet delivered. */
    private final ReadAheadWindow window = new ReadAheadWindow();
    private AioFile file;
    /** The file is open with O_DIRECT: one {@code pread} per read, at aligned positions, into aligned buffers. */
    private boolean oDirect;
    private long readPosition;
    /** The file size last seen: no read starts past it (one at it finds EOF) until a new look finds it grew. */
    private long readLimit;
    private boolean readRequested;
    private boolean inBurst;
    private int burst;
    private boolean eof;
    private boolean pumping;
    private boolean pumpAgain;

    AioFileChannelReader(AioFileChannel channel, AioFileChannelConfig config) {
        this.channel = channel;
        this.config = config;
    }

    /** The channel connected to {@code opened}, whose size was {@code size}. */
    void connected(AioFile opened, boolean openedWithODirect, long size) {
        file = opened;
        oDirect = openedWithODirect;
        readLimit = size;
    }

    /** Reads issued whose completion has not arrived yet (dropped ones included). */
    int readsInFlight() {
        return window.inFlight();
    }

    /** A read request ({@code read()} or {@code autoRead}): deliver one burst, reading ahead as needed. */
    void beginRead() {
        readRequested = true;
        pump();
    }

    /** Delivers what can be delivered and keeps the read-ahead window full; never re-entered. */
    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                deliver();
                fillWindow();
            } while (pumpAgain);
        } finally {
            pumping = false;
        }
    }

    private void fillWindow() {
        while (channel.isActiveAndNotClosing() && !eof && window.size() < config.getReadAhead()) {
            if (readPosition > readLimit) {
                if (!window.isEmpty()) {
                    return; // the read covering readLimit, in the window, finds EOF (or that the file grew)
                }
                lookAtSize(); // every read so far was full: the file grew; then read on (or find EOF) anyway
            }
            int chunk = config.getChunkSize();
            if (oDirect && chunk % O_DIRECT_ALIGNMENT != 0) {
                chunk = Math.max(O_DIRECT_ALIGNMENT, chunk / O_DIRECT_ALIGNMENT * O_DIRECT_ALIGNMENT);
            }
            Read read = window.append(newReadBuffer(chunk), readPosition, chunk);
            readPosition += chunk;
            issue(read);
        }
    }

    private ByteBuf newReadBuffer(int length) {
        return oDirect ? AlignedBuffers.allocate(channel.alloc(), O_DIRECT_ALIGNMENT, length)
                : channel.alloc().directBuffer(length);
    }

    private void issue(Read read) {
        // Under O_DIRECT readFully would go on at an unaligned position after a short read: one read each, and
        // deliver() reads on (from an aligned position) when a short read was not at the end of the file.
        Future<Integer> pending = oDirect ? file.read(read.buffer(), read.position())
                : file.readFully(read.buffer(), read.position());
        window.issued(read, pending);
        pending.addListener(done -> readDone(read, pending));
    }

    /**
     * After a short read of {@code head} ({@code got} bytes): puts a read of the rest of its range at the head of
     * the window when the file has more data there ({@code fstat}: a read may be short anywhere, and the file may
     * have grown meanwhile) and returns true, else returns false (EOF). Under O_DIRECT the read on starts at the
     * aligned position at or before the data still wanted and skips what was delivered already. A read on that
     * brings nothing new is EOF, whatever the size says.
     */
    private boolean readOn(Read head, int got) throws IOException {
        if (head.isContinuation() && got <= head.skip()) {
            return false;
        }
        long end = head.position() + got;
        long size = file.size();
        readLimit = Math.max(readLimit, size);
        if (size <= end) {
            return false;
        }
        long from = oDirect ? end / O_DIRECT_ALIGNMENT * O_DIRECT_ALIGNMENT : end;
        int length = (int) (head.position() + head.length() - from);
        issue(window.prependContinuation(newReadBuffer(length), from, length, (int) (end - from)));
        return true;
    }

    /** Updates {@link #readLimit} from the file's size ({@code fstat}, no disk access). */
    private void lookAtSize() {
        try {
            readLimit = Math.max(readLimit, file.size());
        } catch (IOException e) {
            logger.debug("{}: fstat failed, reading on", channel, e); // the next read reports the error, if any
        }
    }

    private void readDone(Read read, Future<Integer> done) {
        boolean kept = window.complete(read, done);
        if (!channel.eventLoop().inEventLoop()) {
            window.dropAll(); // the loop is gone: nothing can be delivered any more
            kept = false;
        }
        if (!kept) {
            channel.maybeFinishClose();
            return;
        }
        pump();
    }

    private void deliver() {
        ChannelPipeline pipeline = channel.pipeline();
        while (channel.isActiveAndNotClosing() && (inBurst || readRequested)) {
            Read head = window.peek();
            if (head == null || !head.isDone()) {
                break;
            }
            window.poll();
            if (!inBurst) {
                inBurst = true;
                readRequested = false;
            }
            if (head.cause() != null) {
                failReading(head.cause());
                return;
            }
            int got = Math.max(0, head.result()); // bytes in the buffer (-1 at EOF: none)
            if (got > head.skip()) {
                burst++;
                pipeline.fireChannelRead(head.take().skipBytes(head.skip()));
            } else {
                head.release();
            }
            if (got < head.length()) {
                boolean more;
                try {
                    more = channel.isActiveAndNotClosing() && readOn(head, got);
                } catch (IOException e) {
                    failReading(e);
                    return;
                }
                if (!more) {
                    eof = true;
                    window.dropAll();
                    endBurst();
                    channel.closeQuietly();
                    return;
                }
            }
            if (burst >= maxMessagesPerRead()) {
                endBurst();
            }
        }
        if (inBurst) {
            endBurst(); // no completed read left: the burst is over
        }
    }

    /** A read (or the {@code fstat} after a short one) failed: {@code exceptionCaught}, then close. */
    private void failReading(Throwable cause) {
        eof = true;
        window.dropAll();
        endBurst();
        channel.pipeline().fireExceptionCaught(cause);
        channel.closeQuietly();
    }

    private void endBurst() {
        boolean fire = burst > 0;
        inBurst = false;
        burst = 0;
        if (fire) {
            channel.pipeline().fireChannelReadComplete();
        }
    }

    private int maxMessagesPerRead() {
        RecvByteBufAllocator allocator = config.getRecvByteBufAllocator();
        return allocator instanceof MaxMessagesRecvByteBufAllocator
                ? Math.max(1, ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead())
                : channel.metadata().defaultMaxMessagesPerRead();
    }

    /** Drops the window: buffers of completed reads are released now, the others when their read completes. */
    void dropWindow() {
        window.dropAll();
    }
}
