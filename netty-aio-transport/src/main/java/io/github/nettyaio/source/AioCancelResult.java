/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.sys.internal.AbiConstants;

/** The outcome of {@code aio_cancel(3)}. */
public enum AioCancelResult {
    /** {@code AIO_CANCELED}: the request was cancelled; it completes with {@code ECANCELED}. */
    CANCELED,
    /** {@code AIO_NOTCANCELED}: the request is running and will complete normally. */
    NOT_CANCELED,
    /** {@code AIO_ALLDONE}: the request had already completed (or nothing was in flight). */
    ALL_DONE;

    /** Maps {@code aio_cancel}'s return value with the platform's constants. */
    static AioCancelResult fromNative(AbiConstants constants, int rc) {
        if (rc == constants.AIO_CANCELED) {
            return CANCELED;
        }
        if (rc == constants.AIO_NOTCANCELED) {
            return NOT_CANCELED;
        }
        if (rc == constants.AIO_ALLDONE) {
            return ALL_DONE;
        }
        throw new IllegalStateException("aio_cancel returned " + rc);
    }
}
