/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;

/**
 * What every connection of one {@link HttpFileServer} shares: the served directory, the disk pool, how bodies
 * are read, the engine uploads are written with, the access log, the idle timeout and the upload policy.
 * Immutable; any thread.
 */
final class FileService {
    final ServedDirectory dir;
    final DiskExecutor disk;
    final FileBodies bodies;
    final AioEngine engine;
    final AccessLog log;
    /** Seconds a connection may stay idle before it is closed (0: forever). */
    final int idleTimeoutSeconds;
    /** The largest upload body in bytes (0: unlimited). */
    final long maxUploadBytes;
    /** Uploads are refused. */
    final boolean readOnly;

    FileService(ServedDirectory dir, DiskExecutor disk, FileBodies bodies, AioEngine engine, AccessLog log,
                int idleTimeoutSeconds, long maxUploadBytes, boolean readOnly) {
        this.dir = dir;
        this.disk = disk;
        this.bodies = bodies;
        this.engine = engine;
        this.log = log;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.maxUploadBytes = maxUploadBytes;
        this.readOnly = readOnly;
    }
}
