/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedInput;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How response bodies are read from files: {@link #aio} with netty-aio's {@link ChunkedAioFile} (reads are
 * asynchronous: the event loop never waits for the disk), or {@link #chunkedFile()} with Netty's
 * {@link ChunkedFile} (each chunk is a blocking {@code read} <em>on the event loop</em>: the baseline for
 * benchmarks, not for serving). Both produce a {@link ChunkedInput} for {@code ChunkedWriteHandler}, so they work
 * the same over plain HTTP and TLS.
 */
public abstract class FileBodies {
    /** Bytes per chunk, in both modes (TLS then cuts 16 KiB records from it). */
    public static final int CHUNK_SIZE = 64 * 1024;

    /** A file opened for one response. */
    public interface Opened {
        /** Its size in bytes, from the open descriptor. */
        long size();

        /** The bytes {@code offset .. offset + length - 1} as chunks for {@code channel}; at most once. */
        ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length);

        /** Closes the file (idempotent); call on the channel's event loop once the transfer is over. */
        void close();
    }

    FileBodies() {
    }

    /** Bodies through {@link ChunkedAioFile} over an {@link AioFile} of {@code engine}. */
    public static FileBodies aio(AioEngine engine) {
        return new Aio(engine);
    }

    /** Bodies through Netty's blocking {@link ChunkedFile}. */
    public static FileBodies chunkedFile() {
        return new Blocking();
    }

    /**
     * Opens {@code file} for reading by a channel of {@code loop}. Blocks ({@code open(2)}, {@code fstat}): call
     * on a {@link DiskExecutor} thread.
     *
     * @throws IOException the file can't be opened (e.g. {@link java.nio.file.NoSuchFileException})
     */
    public abstract Opened open(Path file, IoEventLoop loop) throws IOException;

    /** {@code ChunkedAioFile} or {@code ChunkedFile}, for logs. */
    public abstract String name();

    private static final class Aio extends FileBodies {
        private final AioEngine engine;

        Aio(AioEngine engine) {
            this.engine = engine;
        }

        @Override
        public Opened open(Path file, IoEventLoop loop) throws IOException {
            AioFile f = AioFile.open(loop, file, engine, StandardOpenOption.READ);
            long size;
            try {
                size = f.size();
            } catch (IOException | RuntimeException e) {
                f.closeAsync();
                throw e;
            }
            return new Opened() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) {
                    return new ChunkedAioFile(channel, f, offset, length, CHUNK_SIZE);
                }

                @Override
                public void close() {
                    f.closeAsync();
                }
            };
        }

        @Override
        public String name() {
            return "ChunkedAioFile (engine " + engine + ")";
        }
    }

    private static final class Blocking extends FileBodies {
        @Override
        public Opened open(Path file, IoEventLoop loop) throws IOException {
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
            long size;
            try {
                size = raf.length();
            } catch (IOException e) {
                raf.close();
                throw e;
            }
            return new Opened() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) {
                    try {
                        return new ChunkedFile(raf, offset, length, CHUNK_SIZE);
                    } catch (IOException e) {
                        throw new IllegalStateException(e); // only for negative arguments, checked by the caller
                    }
                }

                @Override
                public void close() {
                    try {
                        raf.close();
                    } catch (IOException ignored) {
                        // read-only file: nothing is lost
                    }
                }
            };
        }

        @Override
        public String name() {
            return "ChunkedFile (blocking reads on the event loop)";
        }
    }
}
