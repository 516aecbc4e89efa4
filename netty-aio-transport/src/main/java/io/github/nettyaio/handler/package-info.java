/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Pipeline pieces that serve and store files without blocking the event loop: {@link
 * io.github.nettyaio.handler.ChunkedAioFile} (a {@code ChunkedInput} for {@code ChunkedWriteHandler} and
 * {@code HttpChunkedInput}, TLS and compression included) and {@link io.github.nettyaio.handler.AioFileWriteHandler}
 * (inbound bytes or HTTP content to a file it is given, opens or awaits, with backpressure, ending in {@link
 * io.github.nettyaio.handler.AioFileWriteComplete}), plus {@link io.github.nettyaio.handler.EmptyFlushFilter}, which
 * keeps the flushes {@code ChunkedWriteHandler} makes while a chunk is still being read from costing a TLS record
 * write each, and {@link io.github.nettyaio.handler.AioFilePipelines#addFileServing}, which puts that filter and a
 * {@code ChunkedWriteHandler} into a pipeline and tunes its {@code SslHandler} for file bodies.
 */
package io.github.nettyaio.handler;
