/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.file.AioEngine;

/**
 * What every connection of one {@link HttpFileService} shares: the served directory, the disk pool, how bodies
 * are read, the engine uploads are written with, the access log, the idle timeout and the upload and listing
 * policy. Immutable; any thread.
 */
final class FileService {
    final ServedDirectory dir;
    final DiskExecutor disk;
    final FileBodies bodies;
    final AioEngine engine;
    final AccessLog log;
    /** Milliseconds a connection may stay idle before it is closed (0: forever). */
    final long idleTimeoutMillis;
    /** The largest upload body in bytes (0: unlimited). */
    final long maxUploadBytes;
    /** Uploads are refused. */
    final boolean readOnly;
    /** Directories are listed (else {@code 403}). */
    final boolean listings;

    FileService(ServedDirectory dir, DiskExecutor disk, FileBodies bodies, AioEngine engine, AccessLog log,
                long idleTimeoutMillis, long maxUploadBytes, boolean readOnly, boolean listings) {
        this.dir = dir;
        this.disk = disk;
        this.bodies = bodies;
        this.engine = engine;
        this.log = log;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxUploadBytes = maxUploadBytes;
        this.readOnly = readOnly;
        this.listings = listings;
    }
}
