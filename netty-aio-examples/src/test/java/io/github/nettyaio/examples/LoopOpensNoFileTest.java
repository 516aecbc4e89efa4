/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.examples.DescriptorExhaustionTest.ChildLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, item 4: the real server runs in a child JVM under {@code strace -f -e trace=openat}; after its first
 * responses (GET, HEAD, 404, listing, PUT, and the same over HTTPS, handshake included) and its shutdown, no event
 * loop thread may have opened a file (the JDK's {@code tzdb.dat} for the first date header, log formatting, ...).
 */
class LoopOpensNoFileTest {
    /** Netty's default loop thread names, {@code multiThreadIoEventLoopGroup-N-M}, as the kernel truncates them. */
    private static final String LOOP_COMM = "multiThreadIoEv";

    @TempDir
    Path tmp;

    @Test
    void firstResponsesOpenNoFileOnALoop() throws Exception {
        assumeTrue(straceWorks(), "strace is not installed or may not trace here (ptrace refused)");
        Path served = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(served.resolve("a.txt"), "hello");
        Files.createDirectories(served.resolve("sub"));
        Files.writeString(served.resolve("sub/b.txt"), "b");
        Path traces = Files.createDirectories(tmp.resolve("strace"));
        String cp = jarredClassPath(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), Files.createDirectories(tmp.resolve("jars")));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("strace", "-f", "-ff", "-qq", "-e", "trace=openat", "-o",
                traces.resolve("st").toString(), java, "-Dio.netty.leakDetection.level=paranoid", "-cp", cp,
                HttpFileServer.class.getName(), "--http-port", "0", "--https-port", "0", "--dir", served.toString())
                .redirectErrorStream(true).start();
        ChildLog log = new ChildLog(p);
        try {
            int http = Integer.parseInt(log.await(Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/")).group(1));
            int https = Integer.parseInt(log.await(Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)/")).group(1));
            ProcessHandle server = p.toHandle().children().findFirst().orElseThrow();
            for (boolean tls : new boolean[] {false, true}) {
                int port = tls ? https : http;
                assertEquals(200, request(port, tls, "GET /a.txt"), log.tail());
                assertEquals(200, request(port, tls, "HEAD /a.txt"), log.tail());
                assertEquals(404, request(port, tls, "GET /missing"), log.tail());
                assertEquals(200, request(port, tls, "GET /sub/"), log.tail());
                assertEquals(201, request(port, tls, "PUT /up-" + tls + ".txt"), log.tail());
            }
            List<String> loops = loopThreads(server.pid());
            assertFalse(loops.isEmpty(), "no thread named " + LOOP_COMM + "* in " + server.pid());
            // Stop the server (SIGTERM: shutdown hooks run) so that strace writes everything out.
            server.destroy();
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS), "strace did not end");
            List<String> opened = new ArrayList<>();
            for (String tid : loops) {
                Path trace = traces.resolve("st." + tid);
                if (Files.exists(trace)) {
                    try (Stream<String> lines = Files.lines(trace)) {
                        lines.filter(l -> l.contains("openat(")).forEach(l -> opened.add(tid + ": " + l));
                    }
                }
            }
            assertEquals(List.of(), opened, "files opened by event-loop threads");
        } finally {
            p.destroyForcibly();
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean straceWorks() {
        try {
            Process p = new ProcessBuilder("strace", "-qq", "-o", "/dev/null", "true").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code classPath} with each directory packed into a jar, as the server is deployed: a class loaded lazily
     * from a directory opens a file each time, from a jar it is read through the jar's descriptor, open already.
     */
    private static String jarredClassPath(String classPath, Path jars) throws IOException {
        List<String> out = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (entry.isEmpty() || !Files.isDirectory(dir)) {
                out.add(entry);
                continue;
            }
            Path jar = jars.resolve(out.size() + ".jar");
            try (java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    j.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, j);
                    j.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    /** The ids of the process's threads named like Netty's event loops. */
    private static List<String> loopThreads(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).trim().startsWith(LOOP_COMM)) {
                    out.add(t.getFileName().toString());
                }
            }
        }
        return out;
    }

    /** One request on a new connection ({@code PUT}s a 2-byte body), its status code. */
    private static int request(int port, boolean tls, String methodAndPath) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        if (tls) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            s = ctx.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
            ((SSLSocket) s).startHandshake();
        }
        try (Socket c = s) {
            c.setSoTimeout(10_000);
            boolean put = methodAndPath.startsWith("PUT");
            OutputStream out = c.getOutputStream();
            out.write((methodAndPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + (put ? "Content-Length: 2\r\n\r\nhi" : "\r\n")).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = c.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: '" + head + "'");
            }
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    /** The child's certificate is a fresh self-signed one: this test is about files, not trust. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
