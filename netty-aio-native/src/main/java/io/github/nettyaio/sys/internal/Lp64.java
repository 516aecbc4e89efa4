/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.util.List;

/** Layouts shared by every LP64 platform netty-aio supports (checked per platform by the ABI tests). */
final class Lp64 {
    static final StructLayout IOVEC = new StructLayout("iovec", 16, 8, List.of(
            new StructField("iov_base", 0, 8),
            new StructField("iov_len", 8, 8)));
    static final StructLayout TIMESPEC = new StructLayout("timespec", 16, 8, List.of(
            new StructField("tv_sec", 0, 8),
            new StructField("tv_nsec", 8, 8)));

    private Lp64() {
    }
}
