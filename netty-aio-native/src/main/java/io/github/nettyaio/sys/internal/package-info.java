/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Not API: JNA bindings for POSIX AIO, kqueue and libc, and the per-platform ABI they rely on. Public only
 * because netty-aio's other modules use them; they may change in any release without notice.
 *
 * <p>Layouts and constants are data ({@link io.github.nettyaio.sys.internal.Abi}, one instance per platform),
 * checked by tests against the ABI tables. Control blocks live in native memory that never moves
 * ({@link io.github.nettyaio.sys.internal.AioControlBlock}); errno values become exceptions in one place
 * ({@link io.github.nettyaio.sys.internal.Errno}).
 */
package io.github.nettyaio.sys.internal;
