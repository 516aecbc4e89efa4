/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Not API: how AIO completions reach an event loop, the machinery behind {@link io.github.nettyaio.Aio}. One
 * {@link io.github.nettyaio.internal.driver.AioDriver} per loop: on FreeBSD the kernel posts to Netty's own
 * kqueue, elsewhere a reaper thread watches the control blocks and hands completions to the loop. Public only
 * because other netty-aio packages use it; it may change in any release without notice.
 */
package io.github.nettyaio.internal.driver;
