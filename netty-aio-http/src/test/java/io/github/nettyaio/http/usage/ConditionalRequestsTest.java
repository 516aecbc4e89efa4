/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.usage;

import io.github.nettyaio.http.file.HttpFileServerInitializer;
import io.github.nettyaio.http.file.HttpFileService;
import io.github.nettyaio.http.testing.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.github.nettyaio.http.testing.ChildChannels;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ETag, Last-Modified and conditional GETs over a real socket with the JDK's {@link HttpClient}, on a server
 * built from the public API: {@code 304} and {@code 412} without a body, RFC 9110's precedence, {@code If-Range}
 * by ETag, and a new ETag once an upload replaces the file.
 */
class ConditionalRequestsTest {
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
    void preconditionsAreAnsweredInTheRfcsOrder(TestTransport transport) throws Exception {
        Files.writeString(dir.resolve("page.txt"), "0123456789");
        IoEventLoopGroup group = transport.newGroup(1);
        try (HttpFileService files = HttpFileService.builder(dir).uploads(true).build()) {
            ChildChannels children = new ChildChannels();
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                    .handler(children)
                    .childHandler(new HttpFileServerInitializer(files, null))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                check("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/page.txt");
            } finally {
                server.close().sync();
                children.closeAll();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private void check(String uri) throws Exception {
        HttpResponse<String> first = get(uri);
        assertEquals(200, first.statusCode());
        String etag = first.headers().firstValue("etag").orElseThrow();
        String modified = first.headers().firstValue("last-modified").orElseThrow();
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), "a strong ETag: " + etag);

        HttpResponse<String> notModified = get(uri, "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertEquals("", notModified.body());
        assertEquals(etag, notModified.headers().firstValue("etag").orElse(null));
        assertEquals(304, get(uri, "If-Modified-Since", modified).statusCode());
        assertEquals(200, get(uri, "If-None-Match", "\"other\"", "If-Modified-Since", modified).statusCode(),
                "If-None-Match decides, If-Modified-Since is ignored");

        HttpResponse<String> failed = get(uri, "If-Match", "\"other\"");
        assertEquals(412, failed.statusCode());
        assertEquals("", failed.body());
        assertEquals(200, get(uri, "If-Match", etag).statusCode());
        assertEquals(412, get(uri, "If-Match", "\"other\"", "If-None-Match", etag).statusCode(),
                "If-Match is evaluated first");
        assertEquals(412, get(uri, "If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").statusCode());
        assertEquals(200, get(uri, "If-Match", etag, "If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")
                .statusCode(), "If-Unmodified-Since is ignored with If-Match");

        HttpResponse<String> range = get(uri, "Range", "bytes=2-4", "If-Range", etag);
        assertEquals(206, range.statusCode());
        assertEquals("234", range.body());
        HttpResponse<String> stale = get(uri, "Range", "bytes=2-4", "If-Range", "\"other\"");
        assertEquals(200, stale.statusCode());
        assertEquals("0123456789", stale.body());

        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString("9876543210", StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, put.statusCode());
        HttpResponse<String> replaced = get(uri, "If-None-Match", etag);
        assertEquals(200, replaced.statusCode(), "the replaced file is not the client's copy");
        assertEquals("9876543210", replaced.body());
        assertNotEquals(etag, replaced.headers().firstValue("etag").orElse(null));
    }

    private HttpResponse<String> get(String uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
