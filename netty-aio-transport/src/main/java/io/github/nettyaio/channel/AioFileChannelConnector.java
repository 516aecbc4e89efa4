/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.sys.AioOpenOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.OpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The connect of an {@link AioFileChannel}: checks the {@link AioFileAddress}, opens its file with
 * {@link AioFile#openAsync} on the channel's event loop (the {@code open(2)} itself runs on netty-aio's blocking
 * pool), takes its size and makes the channel active.
 *
 * <p>Runs on the channel's event loop, where the open completes. A failed open fails the connect promise with
 * {@link AioFile#open}'s exception and closes the channel; a channel closed while it connects fails the promise
 * with {@link ClosedChannelException}.
 *
 * <p>It is critical that a file whose open completes after the channel closed (or after its loop went away) is
 * closed here: nothing else holds it.
 */
final class AioFileChannelConnector {
    private static final int O_DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;

    private final AioFileChannel channel;
    private final AioFileChannelConfig config;
    private ChannelPromise connectPromise;
    private Future<AioFile> opening;

    AioFileChannelConnector(AioFileChannel channel, AioFileChannelConfig config) {
        this.channel = channel;
        this.config = config;
    }

    /** Starts connecting the channel (still open, never connected) to {@code remote}, or fails {@code promise}. */
    void connect(SocketAddress remote, ChannelPromise promise) {
        if (!(remote instanceof AioFileAddress)) {
            UnsupportedAddressTypeException e = new UnsupportedAddressTypeException();
            e.initCause(new IllegalArgumentException("an AioFileChannel connects to an AioFileAddress, not "
                    + (remote == null ? "null" : StringUtil.simpleClassName(remote) + " " + remote)));
            promise.setFailure(e);
            return;
        }
        AioFileAddress address = (AioFileAddress) remote;
        boolean oDirect = address.isDirect() || config.isDirect();
        if (oDirect && config.getChunkSize() % O_DIRECT_ALIGNMENT != 0) {
            promise.setFailure(new IllegalArgumentException("with O_DIRECT the chunk size must be a multiple of "
                    + O_DIRECT_ALIGNMENT + ": " + config.getChunkSize()));
            return;
        }
        Set<OpenOption> options = new LinkedHashSet<>(address.options());
        if (oDirect) {
            options.add(AioOpenOption.DIRECT);
        }
        channel.connecting(address);
        connectPromise = promise;
        Future<AioFile> open = AioFile.openAsync((IoEventLoop) channel.eventLoop(), address.path(),
                config.getEngine(), options.toArray(new OpenOption[0]));
        opening = open;
        open.addListener(done -> opened(open, oDirect));
    }

    private void opened(Future<AioFile> open, boolean oDirect) {
        if (opening == open) {
            opening = null;
        }
        ChannelPromise promise = connectPromise;
        if (!channel.isConnecting() || promise == null || !channel.eventLoop().inEventLoop()) {
            // Closed meanwhile (the promise was failed then), or the loop is gone.
            if (open.isSuccess()) {
                open.getNow().closeAsync();
            }
            if (promise != null) {
                connectPromise = null;
                promise.tryFailure(new ClosedChannelException());
            }
            return;
        }
        connectPromise = null;
        if (!open.isSuccess()) {
            promise.tryFailure(open.cause());
            channel.closeQuietly();
            return;
        }
        AioFile opened = open.getNow();
        long size;
        try {
            size = opened.size();
        } catch (IOException e) {
            opened.closeAsync();
            promise.tryFailure(e);
            channel.closeQuietly();
            return;
        }
        channel.connected(opened, oDirect, size);
        boolean promiseSet = promise.trySuccess();
        channel.pipeline().fireChannelActive();
        if (!promiseSet) {
            channel.closeQuietly();
        }
    }

    /** The channel closed: fails a connect in progress; a file still opening is closed once open. */
    void closed() {
        ChannelPromise promise = connectPromise;
        if (promise != null) {
            connectPromise = null;
            promise.tryFailure(new ClosedChannelException());
        }
        Future<AioFile> open = opening;
        if (open != null) {
            open.cancel(false); // AioFile.openAsync closes the file if it opens after all
        }
    }
}
