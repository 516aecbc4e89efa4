/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Native bindings (JNA) for POSIX AIO, kqueue and {@code open(2)}, and the per-platform ABI they rely on.
 *
 * <p>Layouts and constants are data ({@link io.github.nettyaio.sys.Abi}, one instance per platform),
 * checked by tests against the ABI tables. Control blocks live in native memory that never moves
 * ({@link io.github.nettyaio.sys.AioControlBlock}); errno values become exceptions in one place
 * ({@link io.github.nettyaio.sys.Errno}). Users normally need only
 * {@link io.github.nettyaio.sys.PosixFiles} and {@link io.github.nettyaio.sys.AioOpenOption}.
 */
package io.github.nettyaio.sys;
