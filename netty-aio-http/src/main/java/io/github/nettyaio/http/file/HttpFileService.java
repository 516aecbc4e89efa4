/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.http.LoopWarmUp;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.channel.ChannelHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Serves one directory over HTTP/1.1 in any Netty 4.2 pipeline: {@code GET}/{@code HEAD} with single byte ranges,
 * a strong {@code ETag}, {@code Last-Modified} and conditional requests ({@code 304}, {@code 412}); optional HTML
 * listings and {@code PUT} uploads (atomic: temporary file, sync, rename); {@code 403} for paths leaving the
 * directory, {@code 404} for hidden names and over-long segments, {@code 414} for over-long paths, {@code 507} on
 * a full disk. Bodies are read by {@code ChunkedAioFile} (TLS works); {@code open}, {@code stat}, listings and
 * renames run on the service's disk threads: no event loop waits for the disk. Handlers answer on their
 * channel's event loop; a failure becomes a status.
 *
 * <p>Made by {@link #builder(Path)}; one service is shared by all connections and ports. It is critical that each
 * connection gets its own {@link #newHandler()}, behind {@code HttpServerCodec}, {@code HttpServerKeepAliveHandler}
 * and {@code ChunkedWriteHandler}: {@link HttpFileServerInitializer} builds that pipeline (limits, {@code Date}
 * headers and TLS included). Close the server channels first, then the service, then the event loops.
 * <pre>{@code
 * HttpFileService files = HttpFileService.builder(dir).uploads(true).listings(true).build();
 * Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
 *         .childHandler(new HttpFileServerInitializer(files, null))
 *         .bind(8080).sync().channel();
 * }</pre>
 */
public final class HttpFileService implements AutoCloseable {
    /** The default of {@link Builder#maxUploadSize(long)}: 1 GiB. */
    public static final long DEFAULT_MAX_UPLOAD_SIZE = 1L << 30;
    /** The default of {@link Builder#idleTimeout(long, TimeUnit)}: 180 s. */
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 180_000;
    /** The default of {@link Builder#diskThreads(int)}. */
    public static final int DEFAULT_DISK_THREADS = 4;

    private final FileService files;

    HttpFileService(FileService files) {
        this.files = files;
    }

    /**
     * A builder for a service of the directory {@code root}; uploads, listings and hidden names are off until
     * turned on. Any thread.
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /**
     * A new handler for one connection (never share it: it holds the connection's request queue). Any thread;
     * the handler then runs on its channel's event loop.
     */
    public ChannelHandler newHandler() {
        return new HttpFileHandler(files);
    }

    /** The served directory's real path. Any thread. */
    public Path root() {
        return files.dir.root();
    }

    /** How many directory syncs after an upload's rename have completed (monitoring, tests). Any thread. */
    public long directorySyncs() {
        return files.dir.directorySyncs();
    }

    /** How bodies are read, for start-up logs: {@code ChunkedAioFile (engine ...)} or {@code ChunkedFile ...}. */
    public String bodyReader() {
        return files.bodies.name();
    }

    /** The idle timeout {@link HttpFileServerInitializer} applies, in milliseconds (0: none). */
    public long idleTimeoutMillis() {
        return files.idleTimeoutMillis;
    }

    /** The shared state of this service's handlers. */
    FileService files() {
        return files;
    }

    /**
     * Stops the disk threads, waiting up to 10 s for running tasks; requests still arriving then fail with
     * {@code 500}. Blocks: call it off the event loops, after closing the server channels and before shutting
     * the loops down (a task finishing meanwhile still hands what it opened to a live loop).
     */
    @Override
    public void close() {
        files.disk.close();
    }

    /** The settings of an {@link HttpFileService}. Not thread-safe; {@link #build()} takes a snapshot. */
    public static final class Builder {
        private final Path root;
        private boolean uploads;
        private boolean listings;
        private boolean hiddenFiles;
        private long maxUploadSize = DEFAULT_MAX_UPLOAD_SIZE;
        private AioEngine engine = AioEngine.AUTO;
        private int diskThreads = DEFAULT_DISK_THREADS;
        private long idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
        private boolean chunkedFile;
        private Consumer<String> accessLog;

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /**
         * Accepts {@code PUT} uploads ({@code 201} created, {@code 204} replaced; {@code 409} without a parent
         * directory); default false: {@code PUT} is answered {@code 405}.
         */
        public Builder uploads(boolean enabled) {
            this.uploads = enabled;
            return this;
        }

        /** Lists directories as HTML (names escaped); default false: a directory is answered {@code 403}. */
        public Builder listings(boolean enabled) {
            this.listings = enabled;
            return this;
        }

        /**
         * Serves and lists names starting with {@code .}; default false: they are {@code 404}. Temporary upload
         * files are hidden either way.
         */
        public Builder hiddenFiles(boolean shown) {
            this.hiddenFiles = shown;
            return this;
        }

        /**
         * The largest upload body in bytes (default {@link #DEFAULT_MAX_UPLOAD_SIZE}; 0: unlimited): a larger
         * {@code Content-Length} is answered {@code 413} at once, a chunked body is cut off with {@code 413} as
         * soon as it exceeds it (its temporary file deleted).
         *
         * @throws IllegalArgumentException a negative size
         */
        public Builder maxUploadSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxUploadSize: " + bytes + " (expected >= 0)");
            }
            this.maxUploadSize = bytes;
            return this;
        }

        /** The engine of the files read and written (default {@link AioEngine#AUTO}). */
        public Builder engine(AioEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Threads for {@code open}, {@code stat}, listings and renames (default {@link #DEFAULT_DISK_THREADS}).
         *
         * @throws IllegalArgumentException fewer than 1
         */
        public Builder diskThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("diskThreads: " + threads + " (expected >= 1)");
            }
            this.diskThreads = threads;
            return this;
        }

        /**
         * Closes connections on which nothing was read or written for this long, a client that stopped reading a
         * body included (default 180 s; 0: never). Applied by {@link HttpFileServerInitializer}, as a last resort
         * above the deadlines of {@link io.github.nettyaio.http.HttpServerLimits}.
         *
         * @throws IllegalArgumentException a negative time
         */
        public Builder idleTimeout(long time, TimeUnit unit) {
            if (time < 0) {
                throw new IllegalArgumentException("idleTimeout: " + time + " (expected >= 0)");
            }
            this.idleTimeoutMillis = unit.toMillis(time);
            return this;
        }

        /**
         * Reads bodies with Netty's {@code ChunkedFile} instead of {@code ChunkedAioFile} (default false). It is
         * critical to leave this off when serving: each chunk is then a blocking read on the event loop; it exists
         * as the baseline of benchmarks.
         */
        public Builder chunkedFile(boolean blocking) {
            this.chunkedFile = blocking;
            return this;
        }

        /**
         * Where one line per answered request goes ({@code client method path status bytes ms}, control
         * characters escaped); default none. Called on the event loops: it must be thread-safe and fast.
         */
        public Builder accessLog(Consumer<String> sink) {
            this.accessLog = sink;
            return this;
        }

        /**
         * Resolves the root to its real path, starts the disk threads and warms up what the first request would
         * otherwise load: date and log formatting ({@link LoopWarmUp}) and the native layer files are opened
         * with (the root is opened and closed once). Blocks: call off the event loops.
         *
         * @throws IOException the root doesn't exist or is not a directory
         *                     ({@link java.nio.file.NoSuchFileException})
         */
        public HttpFileService build() throws IOException {
            ServedDirectory dir = new ServedDirectory(root, new Visibility(hiddenFiles));
            LoopWarmUp.warmUp();
            try (PosixFileDescriptor opened = PosixFiles.open(dir.root(), StandardOpenOption.READ)) {
                // nothing to read: opening bound the ABI and libc, which the first request would load otherwise
            } catch (IOException | RuntimeException unreadable) {
                // a root that can't be opened for reading can still serve the files below it
            }
            FileBodies bodies = chunkedFile ? FileBodies.chunkedFile() : FileBodies.aio(engine);
            AccessLog log = new AccessLog(accessLog != null ? accessLog : line -> { });
            DiskExecutor disk = new DiskExecutor(diskThreads);
            return new HttpFileService(new FileService(dir, disk, bodies, engine, log, idleTimeoutMillis,
                    maxUploadSize, !uploads, listings));
        }
    }
}
