/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.handler.codec.DateFormatter;
import org.junit.jupiter.api.Test;

import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpDatesTest {
    @Test
    void formatsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784111777000L));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784111777999L));
    }

    @Test
    void nowIsTheCurrentSecondAndCachedWithinIt() {
        HttpDates.warmUp();
        for (int i = 0; i < 1000; i++) {
            long before = System.currentTimeMillis() / 1000;
            String a = HttpDates.now();
            String b = HttpDates.now();
            long after = System.currentTimeMillis() / 1000;
            if (before != after) {
                continue; // a second boundary passed: try again
            }
            assertSame(a, b, "formatted twice within one second");
            Date parsed = DateFormatter.parseHttpDate(a);
            assertEquals(before, parsed.getTime() / 1000);
            return;
        }
        assertTrue(false, "never stayed within one second");
    }
}
