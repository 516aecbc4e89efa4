/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioEngine;
import io.netty.channel.ChannelOption;

/**
 * The {@link ChannelOption}s of an {@link AioFileChannel} (see {@link AioFileChannelConfig}), set like any other:
 * {@code bootstrap.option(AioFileChannelOption.CHUNK_SIZE, 256 * 1024)}.
 *
 * @param <T> the option's value type
 */
public final class AioFileChannelOption<T> extends ChannelOption<T> {
    /**
     * Bytes per read, i.e. the capacity of each {@code ByteBuf} a reading channel fires (default 65536; with
     * {@link #DIRECT} a multiple of 4096). Writes are gathered up to this many bytes per system call.
     */
    public static final ChannelOption<Integer> CHUNK_SIZE = valueOf(AioFileChannelOption.class, "CHUNK_SIZE");
    /** Reads a reading channel keeps in flight or buffered ahead of the pipeline (default 4, at least 1). */
    public static final ChannelOption<Integer> READ_AHEAD = valueOf(AioFileChannelOption.class, "READ_AHEAD");
    /** The {@link AioEngine} of the channel's file (default {@link AioEngine#AUTO}); read at connect. */
    public static final ChannelOption<AioEngine> ENGINE = valueOf(AioFileChannelOption.class, "ENGINE");
    /**
     * Open the file with {@code O_DIRECT} (default false; read at connect), as if the address had
     * {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}. Reads then use 4096-aligned buffers
     * ({@link io.github.nettyaio.file.AlignedBuffers}) and the chunk size must be a multiple of 4096.
     */
    public static final ChannelOption<Boolean> DIRECT = valueOf(AioFileChannelOption.class, "DIRECT");

    @SuppressWarnings({"unused", "deprecation"})
    private AioFileChannelOption() {
        super(null);
    }
}
