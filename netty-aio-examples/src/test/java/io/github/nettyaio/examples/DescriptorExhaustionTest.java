/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, item 1 and 2: the real server, in a child JVM limited to 256 descriptors ({@code ulimit -n}), is
 * flooded with 400 idle connections; once they are closed the next request must be answered, the process must
 * still run, and the log must hold a bounded number of "Too many open files" warnings.
 */
class DescriptorExhaustionTest {
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern SWALLOWED = Pattern.compile("\\((\\d+) further failures");
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void recoversOnceDescriptorsAreFreed(Transport t) throws Exception {
        assumeTrue(t.isAvailable(), t.flag() + " is not available on this machine");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash to lower the child's descriptor limit");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "ulimit -n 256 && exec " + quote(java) + " -Dio.netty.leakDetection.level=paranoid -cp "
                + quote(cp) + " io.github.nettyaio.examples.HttpFileServer --transport " + t.flag()
                + " --http-port 0 --https-port -1 --dir " + quote(tmp.toString())
                // No connection cap: this test is about descriptors that do run out (say, to files or another
                // listener). The cap, which LimitsTest tests, keeps the connections themselves below the limit.
                + " --max-connections 0";
        Files.writeString(tmp.resolve("a.txt"), "hello");
        Process p = new ProcessBuilder("/bin/bash", "-c", cmd).redirectErrorStream(true).start();
        ChildLog log = new ChildLog(p);
        try {
            Matcher url = log.await(URL);
            int port = Integer.parseInt(url.group(1));
            assertEquals(200, get(port, "/a.txt"), "before the flood");
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 400; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    flood.add(s);
                }
                log.await(Pattern.compile("Too many open files"));
                // Stay exhausted through a few pauses (10 + 20 + 40 + 80 ms), so that a loop that doesn't pause
                // shows in the counts.
                log.await(Pattern.compile("not accepting for 160 ms"));
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            // The closed connections still wait in the backlog: once accepted and closed, a request gets through.
            long end = System.nanoTime() + DEADLINE_NANOS;
            int status = -1;
            IOException last = null;
            while (status != 200 && System.nanoTime() < end) {
                try {
                    status = get(port, "/a.txt");
                } catch (IOException e) {
                    last = e;
                }
            }
            assertEquals(200, status, "no answer after the flood (last: " + last + "):\n" + log.tail());
            assertTrue(p.isAlive(), "server exited:\n" + log.tail());
            String text = log.text();
            long warnings = text.lines().filter(l -> l.contains("Too many open files")).count();
            assertTrue(warnings <= 40, warnings + " warnings about descriptors (expect one per pause):\n" + log.tail());
            assertTrue(!text.contains("LEAK"), "a leak was reported:\n" + log.tail());
            // Failures swallowed during the pauses: a few per pause when accepting really stops; a loop that keeps
            // re-arming its accept (io_uring's multishot accept) fails hundreds of thousands of times a second.
            long swallowed = 0;
            for (Matcher m = SWALLOWED.matcher(text); m.find(); ) {
                swallowed += Long.parseLong(m.group(1));
            }
            assertTrue(swallowed <= 100, swallowed + " failed accepts while paused: accepting never stopped");
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What a child process prints (stdout and stderr), collected by a thread; waits for lines with a deadline. */
    static final class ChildLog {
        private final StringBuilder text = new StringBuilder();
        private final Process process;
        private boolean ended;

        ChildLog(Process p) {
            this.process = p;
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (this) {
                            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                } finally {
                    synchronized (this) {
                        ended = true;
                        notifyAll();
                    }
                }
            }, "child-log");
            reader.setDaemon(true);
            reader.start();
        }

        /** The first match of {@code pattern} in the output, waiting for it at most the deadline. */
        synchronized Matcher await(Pattern pattern) throws InterruptedException {
            long end = System.nanoTime() + DEADLINE_NANOS;
            for (;;) {
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    return m;
                }
                long left = end - System.nanoTime();
                if (ended || left <= 0) {
                    return fail((ended ? "child ended (" + process + ")" : "timed out") + " before printing "
                            + pattern + ":\n" + tail());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized String tail() {
            return text.length() <= 4000 ? text.toString() : "..." + text.substring(text.length() - 4000);
        }
    }

    /** A {@code GET} on a new connection, its status code; a read timeout of 2 s. */
    private static int get(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            int n = in.readNBytes(head, 0, head.length);
            String line = new String(head, 0, n, StandardCharsets.US_ASCII);
            if (n < 12 || !line.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: '" + line + "'");
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
