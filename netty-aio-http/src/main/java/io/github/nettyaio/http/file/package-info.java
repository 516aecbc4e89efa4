/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Serving a directory and storing uploads over HTTP/1.1, for any Netty 4.2 server:
 * {@link io.github.nettyaio.http.file.HttpFileService} (configured by its builder; one handler per connection) and
 * {@link io.github.nettyaio.http.file.HttpFileServerInitializer} (the whole pipeline, with the limits of
 * {@link io.github.nettyaio.http}). Bodies are read by {@code ChunkedAioFile} on the event loop without waiting;
 * every other disk access runs on the service's disk threads.
 */
package io.github.nettyaio.http.file;
