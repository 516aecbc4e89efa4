/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw HTTP/1.1 client for requests a real client would normalise, and for watching the connection itself. */
public final class RawHttp {
    private RawHttp() {
    }

    /** One parsed response read by {@link #readResponse}. */
    public static final class RawResponse {
        /** The status code. */
        public final int status;
        /** The head, status line and CRLFs included. */
        public final String head;
        /** The body ({@code Content-Length} bytes). */
        public final byte[] body;

        RawResponse(int status, String head, byte[] body) {
            this.status = status;
            this.head = head;
            this.body = body;
        }

        /** The value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
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
    public static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads one response from {@code in}: the head, then {@code Content-Length} bytes of body (none for a
     * response to HEAD when {@code head} is true).
     */
    public static RawResponse readResponse(InputStream in, boolean head) throws IOException {
        StringBuilder h = new StringBuilder();
        while (h.length() < 4 || !h.substring(h.length() - 4).equals("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed inside the response head: " + h);
            }
            h.append((char) next);
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
}
