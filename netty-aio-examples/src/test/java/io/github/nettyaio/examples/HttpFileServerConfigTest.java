/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.http.HttpServerLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpFileServerConfigTest {
    @Test
    void defaults() {
        HttpFileServerConfig c = HttpFileServerConfig.parse();
        assertNull(c.dir(), "no directory: a temporary directory of samples, never the working directory");
        assertEquals(8080, c.httpPort());
        assertEquals(8443, c.httpsPort());
        assertEquals("127.0.0.1", c.bindAddress());
        assertFalse(c.chunkedFile());
        assertEquals(AioEngine.AUTO, c.engine());
        assertNull(c.transport());
        assertNull(c.keyStore());
        assertEquals(180, c.idleTimeoutSeconds());
        assertEquals(1L << 30, c.maxUploadBytes());
        assertFalse(c.readOnly());
        assertFalse(c.showHidden());
        HttpServerLimits l = c.limits();
        assertEquals(HttpServerLimits.defaultMaxConnections(), l.maxConnections());
        assertTrue(l.maxConnections() > 0, "a cap by default");
        assertEquals(30_000, l.headerTimeoutMillis());
        assertEquals(60_000, l.bodyTimeoutMillis());
        assertEquals(75_000, l.keepAliveTimeoutMillis());
        assertEquals(8192, l.maxInitialLineLength());
        assertEquals(8192, l.maxHeaderSize());
        assertEquals(100, l.maxHeaderCount());
    }

    @Test
    void limitFlags() {
        HttpServerLimits l = HttpFileServerConfig.parse("--max-connections", "50", "--header-timeout", "5",
                "--body-timeout=7", "--keep-alive-timeout", "9", "--max-request-line", "1000", "--max-header-size",
                "2000", "--max-headers", "20").limits();
        assertEquals(50, l.maxConnections());
        assertEquals(5000, l.headerTimeoutMillis());
        assertEquals(7000, l.bodyTimeoutMillis());
        assertEquals(9000, l.keepAliveTimeoutMillis());
        assertEquals(1000, l.maxInitialLineLength());
        assertEquals(2000, l.maxHeaderSize());
        assertEquals(20, l.maxHeaderCount());
        HttpServerLimits off = HttpFileServerConfig.parse("--max-connections", "0", "--header-timeout", "0",
                "--body-timeout", "0", "--keep-alive-timeout", "0", "--max-headers", "0").limits();
        assertEquals(0, off.maxConnections());
        assertEquals(0, off.headerTimeoutMillis());
        assertEquals(0, off.bodyTimeoutMillis());
        assertEquals(0, off.keepAliveTimeoutMillis());
        assertEquals(0, off.maxHeaderCount());
        for (String flag : new String[] {"--max-connections", "--header-timeout", "--body-timeout",
                "--keep-alive-timeout", "--max-request-line", "--max-header-size", "--max-headers"}) {
            assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse(flag, "-1"), flag);
            assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse(flag, "x"), flag);
            assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse(flag), flag);
            assertTrue(HttpFileServerConfig.USAGE.contains(flag + " "), flag);
        }
        assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse("--max-request-line", "0"));
        assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse("--max-header-size", "0"));
    }

    @Test
    void everyFlag() {
        HttpFileServerConfig c = HttpFileServerConfig.parse("--dir", "/srv", "--http-port", "0", "--https-port=-1",
                "--keystore", "k.p12", "--keystore-password", "pw", "--chunked-file", "--engine", "posix-aio",
                "--transport", "epoll", "--threads", "3", "--disk-threads", "2", "--idle-timeout", "0", "--max-upload-bytes", "5000000000",
                "--read-only", "--show-hidden");
        assertEquals(Paths.get("/srv"), c.dir());
        assertEquals(0, c.httpPort());
        assertEquals(-1, c.httpsPort());
        assertEquals(Paths.get("k.p12"), c.keyStore());
        assertArrayEquals("pw".toCharArray(), c.keyStorePassword());
        assertTrue(c.chunkedFile());
        assertEquals(AioEngine.POSIX_AIO, c.engine());
        assertEquals(Transport.EPOLL, c.transport());
        assertEquals(3, c.threads());
        assertEquals(2, c.diskThreads());
        assertEquals(0, c.idleTimeoutSeconds());
        assertEquals(5_000_000_000L, c.maxUploadBytes());
        assertTrue(c.readOnly());
        assertTrue(c.showHidden());
        assertEquals(0, HttpFileServerConfig.parse("--max-upload-bytes=0").maxUploadBytes());
        assertEquals(Transport.IO_URING, HttpFileServerConfig.parse("--transport", "io_uring").transport());
        assertEquals(Transport.NIO, HttpFileServerConfig.parse("--transport", "NIO").transport());
    }

    @Test
    void badFlags() {
        for (String[] args : new String[][] {{"--nope"}, {"--http-port"}, {"--http-port", "x"},
                {"--http-port", "70000"}, {"--https-port", "-2"}, {"--engine", "fast"}, {"--transport", "kqueue2"},
                {"--threads", "-1"}, {"--disk-threads", "0"}, {"--keystore", "k.p12"},
                {"--max-upload-bytes", "-1"}, {"--max-upload-bytes", "1G"}, {"--max-upload-bytes"}}) {
            assertThrows(IllegalArgumentException.class, () -> HttpFileServerConfig.parse(args), String.join(" ", args));
        }
        IllegalArgumentException help = assertThrows(IllegalArgumentException.class,
                () -> HttpFileServerConfig.parse("--help"));
        assertEquals(HttpFileServerConfig.USAGE, help.getMessage());
    }
}
