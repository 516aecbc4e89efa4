/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

import java.nio.file.OpenOption;

/** Open options netty-aio adds to {@link java.nio.file.StandardOpenOption}. */
public enum AioOpenOption implements OpenOption {
    /**
     * {@code O_DIRECT}: bypass the page cache. Buffers, file offsets and lengths must then be aligned to the
     * device's logical block size (usually 512 or 4096 bytes); misaligned requests fail with {@code EINVAL}.
     */
    DIRECT
}
