/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Not API: helpers shared by netty-aio's packages (loop checks, loop-bound promises, direct staging of heap
 * buffers). Public only because other packages and modules of netty-aio use them; they may change in any
 * release without notice.
 */
package io.github.nettyaio.internal;
