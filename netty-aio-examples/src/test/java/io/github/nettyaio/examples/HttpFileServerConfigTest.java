/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
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
        assertEquals(60, c.idleTimeoutSeconds());
        assertEquals(1L << 30, c.maxUploadBytes());
        assertFalse(c.readOnly());
        assertFalse(c.showHidden());
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
