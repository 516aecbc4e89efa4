/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.params.provider.Arguments;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What the examples' tests share: one self-signed certificate per JVM, servers on ephemeral 127.0.0.1 ports,
 * HTTP clients trusting the certificate, and a raw HTTP/1.1 client for requests {@link HttpClient} would
 * normalise ({@code /../etc/passwd}) or for watching the connection itself.
 */
final class TestServers {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static TlsCredentials tls;
    private static HttpClient client;

    /** The suffix of the server's temporary upload files ({@code .name.<random>.upload}). */
    static final String UPLOAD_SUFFIX = ".upload";

    private TestServers() {
    }

    /** The prefix of the temporary files of uploads to {@code name}: {@code .name.}. */
    static String uploadPrefix(String name) {
        return "." + name + ".";
    }

    /** Whether {@code name} has the form of a temporary upload file: {@code .} ... {@code .upload}. */
    static boolean isUploadTemp(String name) {
        return name.startsWith(".") && name.endsWith(UPLOAD_SUFFIX) && name.length() > UPLOAD_SUFFIX.length() + 1;
    }

    /** The certificate every test server uses (made once, with keytool). */
    static synchronized TlsCredentials tls() throws Exception {
        if (tls == null) {
            tls = TlsCredentials.selfSigned();
        }
        return tls;
    }

    /** An HTTP/1.1 client trusting {@link #tls()}. */
    static synchronized HttpClient client() throws Exception {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(tls().newClientContext())
                    .connectTimeout(TIMEOUT)
                    .build();
        }
        return client;
    }

    /** Every available transport with {@code http} and with {@code https}. */
    static List<Arguments> transportsAndSchemes() {
        List<Arguments> out = new ArrayList<>();
        for (Transport t : Transport.available()) {
            out.add(Arguments.of(t, "http"));
            out.add(Arguments.of(t, "https"));
        }
        return out;
    }

    /** A server config for {@code dir} on ephemeral ports, logging into {@code log}. */
    static HttpFileServerConfig config(Path dir, Transport transport, Consumer<String> log)
            throws Exception {
        return new HttpFileServerConfig().dir(dir).transport(transport).httpPort(0).httpsPort(0).threads(2)
                .tls(tls()).accessLog(log);
    }

    /** {@code http://127.0.0.1:port} or {@code https://...} of {@code server}, plus {@code path}. */
    static URI uri(HttpFileServer server, String scheme, String path) {
        int port = scheme.equals("https") ? server.httpsPort() : server.httpPort();
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** A file of {@code size} random bytes (seeded by size). */
    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size * 31L + 7).nextBytes(b);
        return b;
    }

    /** Writes {@code size} random bytes to {@code dir/name}. */
    static byte[] createFile(Path dir, String name, int size) throws IOException {
        byte[] b = randomBytes(size);
        Files.write(dir.resolve(name), b);
        return b;
    }

    /** A connected socket to {@code server}'s {@code scheme} port (TLS trusting {@link #tls()} for https). */
    static Socket connect(HttpFileServer server, String scheme) throws Exception {
        Socket s;
        if (scheme.equals("https")) {
            SSLContext ctx = tls().newClientContext();
            s = ctx.getSocketFactory().createSocket();
        } else {
            s = new Socket();
        }
        s.setSoTimeout((int) TIMEOUT.toMillis());
        s.connect(new InetSocketAddress("127.0.0.1", scheme.equals("https") ? server.httpsPort()
                : server.httpPort()), (int) TIMEOUT.toMillis());
        return s;
    }

    /** One parsed response read by {@link #readResponse}. */
    static final class RawResponse {
        final int status;
        final String head;
        final byte[] body;

        RawResponse(int status, String head, byte[] body) {
            this.status = status;
            this.head = head;
            this.body = body;
        }

        /** The value of header {@code name} (case-insensitive), or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** Sends {@code request} (raw bytes, CRLFs included) on {@code s}. */
    static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads one response from {@code in}: the head, then {@code Content-Length} bytes of body (none for a
     * response to HEAD when {@code head} is true).
     */
    static RawResponse readResponse(InputStream in, boolean head) throws IOException {
        StringBuilder h = new StringBuilder();
        while (h.length() < 4 || !h.substring(h.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed inside the response head: " + h);
            }
            h.append((char) c);
        }
        String text = h.toString();
        int status = Integer.parseInt(text.substring(9, 12));
        RawResponse r = new RawResponse(status, text, new byte[0]);
        String len = r.header("content-length");
        if (head || len == null || status == 100) {
            return r;
        }
        byte[] body = in.readNBytes(Integer.parseInt(len));
        if (body.length != Integer.parseInt(len)) {
            throw new IOException("connection closed inside the body: " + body.length + " of " + len);
        }
        return new RawResponse(status, text, body);
    }

    /** Sends {@code request} on a new connection and reads one response. */
    static RawResponse raw(HttpFileServer server, String scheme, String request) throws Exception {
        try (Socket s = connect(server, scheme)) {
            send(s, request);
            return readResponse(s.getInputStream(), request.toUpperCase(Locale.ROOT).startsWith("HEAD"));
        }
    }
}
