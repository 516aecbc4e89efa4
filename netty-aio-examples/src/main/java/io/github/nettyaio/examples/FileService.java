/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;

/**
 * What every connection of one {@link HttpFileServer} shares: the served directory, the disk pool, how bodies
 * are read, the engine uploads are written with, and the access log. Immutable; any thread.
 */
final class FileService {
    final ServedDirectory dir;
    final DiskExecutor disk;
    final FileBodies bodies;
    final AioEngine engine;
    final AccessLog log;

    FileService(ServedDirectory dir, DiskExecutor disk, FileBodies bodies, AioEngine engine, AccessLog log) {
        this.dir = dir;
        this.disk = disk;
        this.bodies = bodies;
        this.engine = engine;
        this.log = log;
    }
}
