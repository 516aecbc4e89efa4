/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watch of {@link BlockHoundTest} can fail: with {@code --chunked-file} (Netty's {@code ChunkedFile}, each
 * chunk a blocking {@code RandomAccessFile} read on the loop) the same requests are served correctly, and
 * BlockHound reports the reads, on the loop, from {@code ChunkedFile.readChunk}.
 */
class BlockHoundChunkedFileTest {
    private static final int BIG = (1 << 20) + 17;
    private static byte[] big;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LoopBlockHound.install();
        big = TestServers.createFile(dir, "big.bin", BIG);
        TestServers.tls();
        TestServers.client();
    }

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void chunkedFileBlocksTheLoop(Transport t) throws Exception {
        try (HttpFileServer s = HttpFileServer.start(TestServers.config(dir, t, line -> { }).chunkedFile(true))) {
            for (String scheme : new String[] {"http", "https"}) {
                LoopBlockHound.drain();
                HttpResponse<byte[]> whole = BlockHoundTest.get(s, scheme, "/big.bin");
                assertEquals(200, whole.statusCode());
                assertArrayEquals(big, whole.body());
                HttpResponse<byte[]> range = BlockHoundTest.get(s, scheme, "/big.bin", "Range", "bytes=70000-200000");
                assertEquals(206, range.statusCode());
                assertArrayEquals(Arrays.copyOfRange(big, 70000, 200001), range.body());
                List<LoopBlockHound.Report> reports = LoopBlockHound.drain();
                assertTrue(reports.stream().anyMatch(BlockHoundChunkedFileTest::isChunkedFileRead),
                        t + " " + scheme + ": expected ChunkedFile's blocking reads on the loop, saw " + reports);
                LoopBlockHound.Report one = reports.stream().filter(BlockHoundChunkedFileTest::isChunkedFileRead)
                        .findFirst().get();
                System.err.println("[BlockHoundChunkedFileTest] " + t + " " + scheme + ": " + reports.size()
                        + " blocking call(s) on loops, e.g.\n" + one);
            }
        }
    }

    private static boolean isChunkedFileRead(LoopBlockHound.Report r) {
        return r.method.contains("java.io.RandomAccessFile") && Arrays.stream(r.stack)
                .anyMatch(e -> e.getClassName().equals("io.netty.handler.stream.ChunkedFile")
                        && e.getMethodName().equals("readChunk"));
    }
}
