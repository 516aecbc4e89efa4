/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Example servers built on netty-aio. {@link io.github.nettyaio.examples.HttpFileServer} serves a directory
 * over HTTP and HTTPS from the command line: a thin {@code main} over netty-aio-http's
 * {@link io.github.nettyaio.http.file.HttpFileService} and
 * {@link io.github.nettyaio.http.file.HttpFileServerInitializer}. The other public classes are its start-up
 * parts, usable on their own: {@link io.github.nettyaio.examples.HttpFileServerConfig} (flags),
 * {@link io.github.nettyaio.examples.Transport} (NIO/epoll/io_uring choice),
 * {@link io.github.nettyaio.examples.TlsCredentials} (self-signed certificates with keytool); a package-private
 * {@code SampleDirectory} holds the files served when no directory is given.
 */
package io.github.nettyaio.examples;
