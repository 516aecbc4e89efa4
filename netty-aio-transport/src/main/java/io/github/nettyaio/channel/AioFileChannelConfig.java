/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioEngine;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.util.internal.ObjectUtil;

import java.util.Map;

/**
 * The configuration of an {@link AioFileChannel}: Netty's usual options (allocator, {@code AUTO_READ},
 * {@code WRITE_BUFFER_WATER_MARK}, {@code MAX_MESSAGES_PER_READ}, ...) plus the {@link AioFileChannelOption}s.
 * {@link #getEngine() engine} and {@link #isDirect() DIRECT} are read when the channel connects; the chunk size
 * and read-ahead apply to the reads and writes issued after they change. Thread-safe, like Netty's configs; a
 * setter given an invalid value throws {@link IllegalArgumentException}.
 *
 * <p>It is critical to set {@code ENGINE} and {@code DIRECT} before the connect: changing them later has no effect
 * on the connected channel.
 */
public final class AioFileChannelConfig extends DefaultChannelConfig {
    /** The default {@link AioFileChannelOption#CHUNK_SIZE}. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** The default {@link AioFileChannelOption#READ_AHEAD}. */
    public static final int DEFAULT_READ_AHEAD = 4;

    private volatile int chunkSize = DEFAULT_CHUNK_SIZE;
    private volatile int readAhead = DEFAULT_READ_AHEAD;
    private volatile AioEngine engine = AioEngine.AUTO;
    private volatile boolean oDirect;

    AioFileChannelConfig(AioFileChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), AioFileChannelOption.CHUNK_SIZE, AioFileChannelOption.READ_AHEAD,
                AioFileChannelOption.ENGINE, AioFileChannelOption.DIRECT);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == AioFileChannelOption.CHUNK_SIZE) {
            return (T) Integer.valueOf(chunkSize);
        }
        if (option == AioFileChannelOption.READ_AHEAD) {
            return (T) Integer.valueOf(readAhead);
        }
        if (option == AioFileChannelOption.ENGINE) {
            return (T) engine;
        }
        if (option == AioFileChannelOption.DIRECT) {
            return (T) Boolean.valueOf(oDirect);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == AioFileChannelOption.CHUNK_SIZE) {
            setChunkSize((Integer) value);
        } else if (option == AioFileChannelOption.READ_AHEAD) {
            setReadAhead((Integer) value);
        } else if (option == AioFileChannelOption.ENGINE) {
            setEngine((AioEngine) value);
        } else if (option == AioFileChannelOption.DIRECT) {
            setDirect((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** {@link AioFileChannelOption#CHUNK_SIZE}. */
    public int getChunkSize() {
        return chunkSize;
    }

    /**
     * Sets {@link AioFileChannelOption#CHUNK_SIZE}.
     *
     * @throws IllegalArgumentException {@code chunkSize} is not positive
     */
    public AioFileChannelConfig setChunkSize(int chunkSize) {
        this.chunkSize = ObjectUtil.checkPositive(chunkSize, "chunkSize");
        return this;
    }

    /** {@link AioFileChannelOption#READ_AHEAD}. */
    public int getReadAhead() {
        return readAhead;
    }

    /**
     * Sets {@link AioFileChannelOption#READ_AHEAD}.
     *
     * @throws IllegalArgumentException {@code readAhead} is not positive
     */
    public AioFileChannelConfig setReadAhead(int readAhead) {
        this.readAhead = ObjectUtil.checkPositive(readAhead, "readAhead");
        return this;
    }

    /** {@link AioFileChannelOption#ENGINE}. */
    public AioEngine getEngine() {
        return engine;
    }

    /** Sets {@link AioFileChannelOption#ENGINE} (read at connect). */
    public AioFileChannelConfig setEngine(AioEngine engine) {
        this.engine = ObjectUtil.checkNotNull(engine, "engine");
        return this;
    }

    /** {@link AioFileChannelOption#DIRECT}. */
    public boolean isDirect() {
        return oDirect;
    }

    /** Sets {@link AioFileChannelOption#DIRECT} (read at connect). */
    public AioFileChannelConfig setDirect(boolean oDirect) {
        this.oDirect = oDirect;
        return this;
    }
}
