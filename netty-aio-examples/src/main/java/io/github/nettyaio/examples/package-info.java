/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Example servers built on netty-aio. {@link io.github.nettyaio.examples.HttpFileServer} serves a directory
 * over HTTP and HTTPS with {@link io.github.nettyaio.handler.ChunkedAioFile} bodies and
 * {@link io.github.nettyaio.handler.AioFileWriteHandler} uploads; the other public classes are its parts, usable
 * on their own: {@link io.github.nettyaio.examples.Transport} (NIO/epoll/io_uring choice),
 * {@link io.github.nettyaio.examples.TlsCredentials} (self-signed certificates with keytool),
 * {@link io.github.nettyaio.examples.RequestPath} and {@link io.github.nettyaio.examples.ServedDirectory}
 * (path safety), {@link io.github.nettyaio.examples.Visibility} (hidden names), {@link io.github.nettyaio.examples.ByteRange}, {@link io.github.nettyaio.examples.DirectoryListing},
 * {@link io.github.nettyaio.examples.DiskExecutor}, {@link io.github.nettyaio.examples.FileBodies} and
 * {@link io.github.nettyaio.examples.AccessLog}.
 */
package io.github.nettyaio.examples;
