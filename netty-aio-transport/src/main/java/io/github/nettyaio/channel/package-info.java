/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * A file as a Netty {@link io.netty.channel.Channel}: {@link io.github.nettyaio.channel.AioFileChannel}, connected
 * with {@link io.netty.bootstrap.Bootstrap} to an {@link io.github.nettyaio.channel.AioFileAddress} to stream a
 * file through a pipeline or to append what a pipeline writes, on any Netty 4.2
 * {@link io.netty.channel.IoEventLoop}; its options are the {@link io.github.nettyaio.channel.AioFileChannelOption}s
 * of {@link io.github.nettyaio.channel.AioFileChannelConfig}.
 */
package io.github.nettyaio.channel;
