/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Not API: the one POSIX AIO request type ({@link io.github.nettyaio.internal.aiocb.AioRequest}) behind the
 * sources, {@code LioListio} and the POSIX AIO file engine. Public only because other netty-aio packages use it;
 * it may change in any release without notice.
 */
package io.github.nettyaio.internal.aiocb;
