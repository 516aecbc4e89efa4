/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Opening files the way netty-aio's engines need them: {@link io.github.nettyaio.sys.PosixFiles#open} with
 * {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}, giving a {@link io.github.nettyaio.sys.PosixFileDescriptor},
 * and the {@link io.github.nettyaio.sys.ErrnoException} that failed system calls throw.
 *
 * <p>Everything else of this module lives in {@code io.github.nettyaio.sys.internal}, which is not API.
 */
package io.github.nettyaio.sys;
