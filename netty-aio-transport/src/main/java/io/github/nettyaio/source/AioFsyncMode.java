/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

/** What {@link AioFsync} flushes. */
public enum AioFsyncMode {
    /** {@code aio_fsync(O_SYNC)}: data and all metadata, like {@code fsync(2)}. */
    FSYNC,
    /** {@code aio_fsync(O_DSYNC)}: data and the metadata needed to read it back, like {@code fdatasync(2)}. */
    FDATASYNC
}
