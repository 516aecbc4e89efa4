/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.usage;

import io.github.nettyaio.http.file.HttpFileServerInitializer;
import io.github.nettyaio.http.file.HttpFileService;
import io.github.nettyaio.http.testing.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.github.nettyaio.http.testing.ChildChannels;
import io.netty.channel.IoEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user of netty-aio-http, outside its package: builds a server from the public API only
 * ({@link HttpFileService}, {@link HttpFileServerInitializer}, or {@link HttpFileService#newHandler()} in a
 * pipeline of its own), on a real socket, and talks to it with the JDK's {@link HttpClient}: a whole file, a
 * range, a 404, a 404 for a segment over NAME_MAX, an upload whose bytes land on disk, and a {@code Date} on
 * every response.
 */
class HttpFileServiceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @TempDir
    Path dir;

    static List<TestTransport> transports() {
        return TestTransport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void theInitializersPipelineServesRangesUploadsAndDates(TestTransport transport) throws Exception {
        try (HttpFileService files = HttpFileService.builder(dir).uploads(true).listings(true).build()) {
            exercise(transport, new HttpFileServerInitializer(files, null));
        }
    }

    @Test
    void theHandlerServesInAPipelineOfOnesOwn() throws Exception {
        try (HttpFileService files = HttpFileService.builder(dir).uploads(true).build()) {
            exercise(TestTransport.NIO, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                            new ChunkedWriteHandler(), files.newHandler());
                }
            });
        }
    }

    private void exercise(TestTransport transport, ChannelInitializer<Channel> initializer) throws Exception {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        IoEventLoopGroup group = transport.newGroup(1);
        try {
            ChildChannels children = new ChildChannels();
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                    .handler(children)
                    .childHandler(initializer)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                String base = "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
                check(base, data, initializer instanceof HttpFileServerInitializer);
            } finally {
                server.close().sync();
                children.closeAll();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private void check(String base, byte[] data, boolean dated) throws Exception {
        HttpResponse<byte[]> whole = get(base + "/data.bin", null);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(data, whole.body());
        assertTrue(whole.headers().firstValue("last-modified").isPresent());
        assertEquals("bytes", whole.headers().firstValue("accept-ranges").orElse(null));

        HttpResponse<byte[]> range = get(base + "/data.bin", "bytes=1000-1999");
        assertEquals(206, range.statusCode());
        assertEquals("bytes 1000-1999/" + data.length, range.headers().firstValue("content-range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 2000), range.body());

        HttpResponse<byte[]> missing = get(base + "/no-such-file", null);
        assertEquals(404, missing.statusCode());
        HttpResponse<byte[]> tooLong = get(base + "/" + "n".repeat(256), null);
        assertEquals(404, tooLong.statusCode(), "a segment over NAME_MAX names no file");

        byte[] upload = "uploaded through the public API\n".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> put = client.send(HttpRequest.newBuilder(URI.create(base + "/up.txt")).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, put.statusCode());
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("up.txt")));
        try (var names = Files.list(dir)) {
            assertFalse(names.anyMatch(p -> p.getFileName().toString().endsWith(".upload")), "no temporary file left");
        }

        if (dated) {
            for (HttpResponse<byte[]> r : List.of(whole, range, missing, tooLong, put)) {
                assertTrue(r.headers().firstValue("date").orElse("").endsWith(" GMT"), r + ": " + r.headers());
            }
        }
    }

    private HttpResponse<byte[]> get(String uri, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
