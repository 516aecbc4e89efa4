/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * A file as a Netty {@link io.netty.channel.Channel}: {@link io.github.nettyaio.channel.AioFileChannel}, connected
 * with {@link io.netty.bootstrap.Bootstrap} to an {@link io.github.nettyaio.channel.AioFileAddress} to stream a
 * file through a pipeline or to append what a pipeline writes, on any Netty 4.2
 * {@link io.netty.channel.IoEventLoop}; its options are the {@link io.github.nettyaio.channel.AioFileChannelOption}s
 * of {@link io.github.nettyaio.channel.AioFileChannelConfig}. The channel's I/O goes through an
 * {@link io.github.nettyaio.file.AioFile} opened on the channel's own event loop, so every completion, and every
 * pipeline event, runs on that loop's thread; the loop never blocks (not even for {@code open(2)}, which runs on
 * netty-aio's blocking pool).
 *
 * <h2>Reading: {@link io.github.nettyaio.channel.AioFileAddress#read(java.nio.file.Path)}</h2>
 * The file is streamed from its start as {@link io.netty.buffer.ByteBuf}s of up to
 * {@link io.github.nettyaio.channel.AioFileChannelOption#CHUNK_SIZE} bytes (the pipeline owns and releases them),
 * honouring {@code autoRead} and {@code read()} like a socket: each read request delivers one burst of at most
 * {@code maxMessagesPerRead} buffers (those whose reads have completed), then one {@code channelReadComplete};
 * with {@code autoRead} off, nothing is delivered without a {@code read()}. Up to
 * {@link io.github.nettyaio.channel.AioFileChannelOption#READ_AHEAD} reads are kept in flight ahead of the
 * pipeline once the first read was requested. At EOF the channel closes itself ({@code channelInactive}, then
 * {@code closeFuture()}). EOF is a short read that ends at or past the file's size, looked at ({@code fstat})
 * when that read is delivered: a read may be short anywhere (under O_DIRECT it is one {@code pread} per buffer,
 * otherwise reads go on until the buffer is full), and the file may have grown since, so a short read that ends
 * before the size is followed by a read of the rest (under O_DIRECT from the aligned position before it,
 * delivering only the bytes not delivered yet). A read error, or an {@code fstat} failure, fires
 * {@code exceptionCaught} with the {@link java.io.IOException} and closes the channel. Writing to a reading
 * channel fails the write's promise with {@link java.lang.UnsupportedOperationException}.
 *
 * <h2>Writing: {@link io.github.nettyaio.channel.AioFileAddress#write(java.nio.file.Path,
 * java.nio.file.OpenOption...)}</h2>
 * Every {@link io.netty.buffer.ByteBuf} written is appended, in order, starting at the end of the existing file
 * (or at 0 with {@code TRUNCATE_EXISTING}); each write's promise succeeds once its bytes are in the file (not yet
 * synced). Flushed buffers are gathered into one {@code pwrite} of up to {@code CHUNK_SIZE} bytes; one write is in
 * flight at a time. A buffer stays in Netty's {@link io.netty.channel.ChannelOutboundBuffer} until its write has
 * completed, so the bytes the kernel is writing count towards the {@link io.netty.channel.WriteBufferWaterMark}
 * and writability ({@code channelWritabilityChanged}) reflects every byte not yet in the file. Other message types
 * fail with {@link java.lang.UnsupportedOperationException}. A write error fails that write's promise with the
 * {@link java.io.IOException}, fails every later write, fires {@code exceptionCaught} and, with {@code autoClose}
 * (the default), closes the channel. A writing channel has nothing to read: it turns {@code autoRead} off when it
 * connects, and an explicit {@code read()} fires {@code exceptionCaught} with an
 * {@link java.lang.UnsupportedOperationException} (the channel stays open).
 *
 * <p><b>Single writer, not {@code O_APPEND}.</b> The channel appends positionally: it takes the file's size once,
 * at connect, and writes each buffer at the position that follows the previous one ({@code APPEND} is accepted and
 * means exactly this; the file is never opened with {@code O_APPEND}). It assumes it is the file's only writer
 * while connected and never looks at the size again: bytes another process, {@code AioFile} or channel appends to
 * the same file meanwhile are overwritten (or overwrite the channel's), and a truncation while the channel writes
 * (logrotate's {@code copytruncate}) is not seen: later writes land at the old offsets, leaving a hole of zeros
 * before them. Rotate by renaming the file and connecting a new channel (logrotate's {@code create} mode), and
 * give each file one writing channel.
 *
 * <h2>Closing</h2>
 * {@code close()} on a writing channel first flushes what was written but not flushed, writes everything,
 * {@code fsync}s, closes the file, and only then completes ({@code channelInactive}, {@code closeFuture()}):
 * data accepted by {@code write} is never dropped; writes issued after {@code close()} fail with
 * {@link java.nio.channels.ClosedChannelException}. The close promise fails with the {@code fsync}/{@code close}
 * error, if any (the channel is closed regardless); a {@code close()} made while a close is draining completes
 * with that first close's outcome, failure included. On a reading channel, {@code close()} cancels the reads in
 * flight, releases every buffer it still holds once its read has completed, and completes after the file is
 * closed. A channel whose event loop shuts down is closed the same way from the loop's shutdown hook; operations
 * the dead loop can no longer complete fail with an {@link java.io.IOException} (their memory stays safe, see
 * {@link io.github.nettyaio.file.AioFile}).
 *
 * <h2>Event loops</h2>
 * Any {@link io.netty.channel.IoEventLoop} the {@link io.github.nettyaio.channel.AioFileChannelOption#ENGINE
 * engine} supports: NIO, epoll, io_uring, kqueue. The channel registers no {@link io.netty.channel.IoHandle} with
 * the loop (it has no descriptor for the loop's selector to watch; its completions arrive through the
 * {@code AioFile}). From {@code connect} on, connected or still connecting, it stays on the loop it connected on,
 * where its file's futures complete: registering it with another loop (after {@code deregister()}) fails that
 * {@code register} future with Netty's {@link java.lang.IllegalStateException} ("incompatible event loop type")
 * and leaves the channel as it was; it can be registered again with its own loop. Connect failures fail the
 * connect future with {@link io.github.nettyaio.file.AioFile#open}'s exception (e.g.
 * {@link java.nio.file.NoSuchFileException}) and close the channel. {@code localAddress()} and
 * {@code remoteAddress()} are the {@code AioFileAddress}; {@code isActive()} is true from connect to close.
 */
package io.github.nettyaio.channel;
