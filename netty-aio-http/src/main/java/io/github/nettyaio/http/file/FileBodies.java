/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedInput;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * How response bodies are read from files: {@link #aio} with netty-aio's {@link ChunkedAioFile} (reads are
 * asynchronous: the event loop never waits for the disk), or {@link #chunkedFile()} with Netty's
 * {@link ChunkedFile} (each chunk is a blocking {@code read} <em>on the event loop</em>: the baseline for
 * benchmarks, not for serving). Both produce a {@link ChunkedInput} for {@code ChunkedWriteHandler}, so they work
 * the same over plain HTTP and TLS.
 */
abstract class FileBodies {
    /** Bytes per chunk, in both modes (TLS then cuts 16 KiB records from it). */
    public static final int CHUNK_SIZE = 64 * 1024;

    /** A file opened for one response. Confined to the channel's event loop once handed there. */
    public static final class Opened {
        private final Source source;
        private final long size;
        /** {@link #chunks} made an input, which owns the file from then on. */
        private boolean handedOver;

        private Opened(Source source, long size) {
            this.source = source;
            this.size = size;
        }

        /** Wraps {@code source} with its size now; closes it if that fails. */
        static Opened of(Source source) throws IOException {
            try {
                return new Opened(source, source.size());
            } catch (IOException | RuntimeException e) {
                source.close();
                throw e;
            }
        }

        /** Its size in bytes, from the open descriptor when it was opened. */
        public long size() {
            return size;
        }

        /**
         * The bytes {@code offset .. offset + length - 1} as chunks for {@code channel}; at most once. The input
         * takes the file over ({@link ChunkedAioFile#owning}, and Netty's {@code ChunkedFile} owns its file too): it
         * closes it when the transfer ends, fails or is cancelled ({@code ChunkedWriteHandler} closes the input),
         * so {@link #close()} does nothing from then on. If this throws, the file is still this object's to close.
         *
         * @throws IOException the input can't be made (the arguments are checked by the caller)
         */
        public ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) throws IOException {
            ChunkedInput<ByteBuf> in = source.chunks(channel, offset, length);
            handedOver = true;
            return in;
        }

        /**
         * Closes the file (idempotent) unless {@link #chunks} handed it over; call on the channel's event loop when
         * no body is sent after all.
         */
        public void close() {
            if (!handedOver) {
                source.close();
            }
        }
    }

    /** What each mode provides for an open file. */
    interface Source {
        /** The open file's size ({@code fstat}). */
        long size() throws IOException;

        /** A new input for a region of the file, which owns the file (closes it when closed). */
        ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) throws IOException;

        /** Never throws: a read-only file loses nothing on close. */
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

    /** A check of a file just opened, made on its descriptor before anything is read (see {@link #open}). */
    @FunctionalInterface
    public interface OpenCheck {
        /**
         * Accepts the open descriptor {@code fd}, or refuses it by throwing.
         *
         * @throws IOException the file must not be served
         */
        void verify(int fd) throws IOException;
    }

    /**
     * Opens {@code file} for reading by a channel of {@code loop}. Blocks ({@code open(2)}, {@code fstat}): call
     * on a {@link DiskExecutor} thread.
     *
     * @throws IOException the file can't be opened (e.g. {@link java.nio.file.NoSuchFileException})
     */
    public Opened open(Path file, IoEventLoop loop) throws IOException {
        return open(file, loop, fd -> { });
    }

    /**
     * Opens {@code file} like {@link #open(Path, IoEventLoop)} and passes the descriptor to {@code check} before
     * returning; what {@code check} refuses is closed again, and its exception thrown.
     *
     * @throws IOException the file can't be opened, or {@code check} refused it
     */
    public abstract Opened open(Path file, IoEventLoop loop, OpenCheck check) throws IOException;

    /** {@code ChunkedAioFile} or {@code ChunkedFile}, for logs. */
    public abstract String name();

    private static final class Aio extends FileBodies {
        private final AioEngine engine;

        Aio(AioEngine engine) {
            this.engine = engine;
        }

        @Override
        public Opened open(Path file, IoEventLoop loop, OpenCheck check) throws IOException {
            AioFile f = AioFile.open(loop, file, engine, StandardOpenOption.READ);
            try {
                check.verify(f.fd().intValue());
            } catch (IOException | RuntimeException e) {
                f.closeAsync();
                throw e;
            }
            return Opened.of(new Source() {
                @Override
                public long size() throws IOException {
                    return f.size();
                }

                @Override
                public ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) {
                    return ChunkedAioFile.owning(channel, f, offset, length, CHUNK_SIZE);
                }

                @Override
                public void close() {
                    f.closeAsync();
                }
            });
        }

        @Override
        public String name() {
            return "ChunkedAioFile (engine " + engine + ")";
        }
    }

    private static final class Blocking extends FileBodies {
        @Override
        public Opened open(Path file, IoEventLoop loop, OpenCheck check) throws IOException {
            RandomAccessFile raf;
            // RandomAccessFile hides its descriptor: check one of our own, then open the very file it names
            // through /proc/self/fd (where there is no /proc, the check checks nothing and the path is used).
            try (PosixFileDescriptor probe = PosixFiles.openPositional(file, StandardOpenOption.READ)) {
                check.verify(probe.intValue());
                Path self = Paths.get("/proc/self/fd", Integer.toString(probe.intValue()));
                raf = new RandomAccessFile((Files.exists(self) ? self : file).toFile(), "r");
            }
            return Opened.of(new Source() {
                @Override
                public long size() throws IOException {
                    return raf.length();
                }

                @Override
                public ChunkedInput<ByteBuf> chunks(Channel channel, long offset, long length) throws IOException {
                    return new ChunkedFile(raf, offset, length, CHUNK_SIZE);
                }

                @Override
                public void close() {
                    try {
                        raf.close();
                    } catch (IOException ignored) {
                        // read-only file: nothing is lost
                    }
                }
            });
        }

        @Override
        public String name() {
            return "ChunkedFile (blocking reads on the event loop)";
        }
    }
}
