/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.sys.AioOpenOption;

import java.net.SocketAddress;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The address an {@link AioFileChannel} connects to: a file and whether the channel reads it or appends to it.
 * It is also the channel's {@link AioFileChannel#localAddress() local} and
 * {@link AioFileChannel#remoteAddress() remote} address. Immutable.
 *
 * <p>A {@link #write write} address means appending for a single writer, not {@code O_APPEND}: the channel
 * writes from the size the file had at connect on, and does not see other writers or truncations (see
 * {@link #write(Path, OpenOption...)}).
 *
 * <pre>{@code
 * new Bootstrap().group(loop).channel(AioFileChannel.class).handler(lineHandler)
 *         .connect(AioFileAddress.read(Paths.get("access.log")));
 * }</pre>
 */
public final class AioFileAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    private final Path path;
    private final boolean write;
    private final Set<OpenOption> options;

    private AioFileAddress(Path path, boolean write, Set<OpenOption> options) {
        this.path = path;
        this.write = write;
        this.options = Collections.unmodifiableSet(options);
    }

    /**
     * A channel connected to this address streams {@code path} from its start through the pipeline, then
     * closes itself at EOF.
     *
     * @throws NullPointerException {@code path} is null
     */
    public static AioFileAddress read(Path path) {
        return read(path, new OpenOption[0]);
    }

    /**
     * Like {@link #read(Path)}, with extra open options: {@link AioOpenOption#DIRECT} ({@code O_DIRECT}; the
     * channel's chunk size must then be a multiple of 4096). {@code READ} is implied.
     *
     * @throws IllegalArgumentException an option that makes no sense for reading ({@code WRITE}, {@code APPEND},
     *                                  {@code CREATE}, {@code CREATE_NEW}, {@code TRUNCATE_EXISTING},
     *                                  {@code DELETE_ON_CLOSE}, ...)
     */
    public static AioFileAddress read(Path path, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> set = new LinkedHashSet<>();
        set.add(StandardOpenOption.READ);
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "option");
            if (option != StandardOpenOption.READ && option != AioOpenOption.DIRECT) {
                throw new IllegalArgumentException("open option " + option + " is not valid for reading " + path);
            }
            set.add(option);
        }
        return new AioFileAddress(path, false, set);
    }

    /**
     * A channel connected to this address appends what the pipeline writes to {@code path}, creating the file
     * if it does not exist and starting at its end if it does. {@code WRITE} and {@code CREATE} are implied.
     *
     * <p>Appending is positional, for a single writer: the channel takes the file's size once, when it connects,
     * and writes from there on at positions it counts itself; the file is not opened with {@code O_APPEND}.
     * Another writer appending to the same file meanwhile, or a truncation while the channel writes (logrotate's
     * {@code copytruncate}), is not seen: the channel overwrites the other writer's bytes, or, after a truncation,
     * writes at its old offsets past the new end (leaving a hole of zeros). See the package description.
     *
     * <p>Options: {@code TRUNCATE_EXISTING} (start from an empty file), {@code CREATE_NEW} (fail the connect
     * with {@link java.nio.file.FileAlreadyExistsException} if the file exists), {@code DSYNC}, {@code SYNC},
     * {@link AioOpenOption#DIRECT} (then every write's length must keep the file size a multiple of 4096), and
     * {@code APPEND}, which changes nothing (the channel always appends, positionally as above: it does not
     * make the writes {@code O_APPEND}).
     *
     * @throws NullPointerException     {@code path} or an option is null
     * @throws IllegalArgumentException {@code READ} or another option that is not listed above
     */
    public static AioFileAddress write(Path path, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> set = new LinkedHashSet<>();
        set.add(StandardOpenOption.WRITE);
        boolean createNew = false;
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "option");
            if (option == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (option != StandardOpenOption.WRITE && option != StandardOpenOption.CREATE
                    && option != StandardOpenOption.APPEND && option != StandardOpenOption.TRUNCATE_EXISTING
                    && option != StandardOpenOption.DSYNC && option != StandardOpenOption.SYNC
                    && option != AioOpenOption.DIRECT) {
                throw new IllegalArgumentException("open option " + option + " is not valid for appending to "
                        + path);
            }
            if (option != StandardOpenOption.APPEND) {
                set.add(option); // the channel appends by writing at the end itself: AioFile rejects O_APPEND
            }
        }
        if (!createNew) {
            set.add(StandardOpenOption.CREATE);
        }
        return new AioFileAddress(path, true, set);
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Whether a channel connected here appends to the file (true) or reads it (false). */
    public boolean isWrite() {
        return write;
    }

    /** The options the file is opened with ({@code READ}, or {@code WRITE} and the rest), unmodifiable. */
    public Set<OpenOption> options() {
        return options;
    }

    /** Whether {@link AioOpenOption#DIRECT} is among {@link #options()}. */
    public boolean isDirect() {
        return options.contains(AioOpenOption.DIRECT);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof AioFileAddress)) {
            return false;
        }
        AioFileAddress that = (AioFileAddress) other;
        return write == that.write && path.equals(that.path) && options.equals(that.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, write, options);
    }

    /**
     * {@code read:PATH} or {@code write:PATH} followed by the options, e.g. {@code write:/tmp/a.log[WRITE, CREATE]}.
     */
    @Override
    public String toString() {
        return (write ? "write:" : "read:") + path + options;
    }
}
