/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.testing.TinyTmpfs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full file system for uploads the way clients send them: {@code Expect: 100-continue} (as curl does) with a
 * chunked or a sized body, answered {@code 507} and closed; the temporary file removed, the old file intact, and
 * nothing logged as unhandled ("reached at the tail of the pipeline").
 */
class FullDiskUploadTest {
    @TempDir
    static Path dir;

    static List<Arguments> transportsAndSchemes() {
        return TestServers.transportsAndSchemes();
    }

    /** Collects every JUL record (netty logs through JUL here) while it is installed. */
    static final class LogCapture extends Handler implements AutoCloseable {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        LogCapture() {
            Logger.getLogger("").addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() != null ? " " + r.getThrown() : ""));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }

        void assertNoneContains(String text) {
            synchronized (lines) {
                for (String line : lines) {
                    assertFalse(line.contains(text), line);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSchemes")
    void expectContinueUploadsToAFullDiskAre507(Transport t, String scheme) throws Exception {
        try (LogCapture log = new LogCapture();
             TinyTmpfs full = TinyTmpfs.mount(dir, "full-" + t + "-" + scheme);
             HttpFileServer s = HttpFileServer.start(TestServers.config(full.dir, t, line -> { }))) {
            byte[] old = TestServers.createFile(full.dir, "keep.bin", 100_000);
            byte[] big = TestServers.randomBytes(2 << 20);
            for (boolean chunked : new boolean[] {false, true}) {
                try (Socket sock = TestServers.connect(s, scheme)) {
                    TestServers.send(sock, "PUT /keep.bin HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                            + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + big.length)
                            + "\r\n\r\n");
                    assertEquals(100, TestServers.readResponse(sock.getInputStream(), false).status);
                    OutputStream out = sock.getOutputStream();
                    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                        try {
                            for (int i = 0; i < big.length; i += 65536) {
                                if (chunked) {
                                    out.write("10000\r\n".getBytes(StandardCharsets.US_ASCII)); // 65536 bytes
                                }
                                out.write(big, i, 65536);
                                if (chunked) {
                                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                                }
                            }
                            out.write(chunked ? "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[0]);
                            out.flush();
                        } catch (IOException closed) {
                            // the server answered and closed: the rest can't be sent
                        }
                    });
                    TestServers.RawResponse r = TestServers.readResponse(sock.getInputStream(), false);
                    assertEquals(507, r.status, chunked ? "chunked" : "sized");
                    sent.get(TestServers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                assertArrayEquals(old, Files.readAllBytes(full.dir.resolve("keep.bin")), "the old file is intact");
                try (var names = Files.list(full.dir)) {
                    assertEquals(List.of("keep.bin"), names.map(p -> p.getFileName().toString()).toList());
                }
            }
            assertTrue(log.lines.stream().anyMatch(l -> l.contains("507")), "one line says why: " + log.lines);
            log.assertNoneContains("tail of the pipeline");
        }
    }
}
