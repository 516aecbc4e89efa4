/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * HTTP server pieces a Netty 4.2 server author puts in front of netty-aio's file handlers: limits on
 * connections and request heads, deadlines for heads, bodies and idle keep-alive connections, accept back-off
 * when descriptors run out, and cached {@code Date} headers. Every handler runs on its channel's event loop and
 * never touches the disk. The file service that uses them is in {@link io.github.nettyaio.http.file}.
 */
package io.github.nettyaio.http;
