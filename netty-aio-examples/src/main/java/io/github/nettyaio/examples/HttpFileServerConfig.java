/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.http.HttpServerLimits;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Above 400 lines because each of its two dozen flags has a usage line, a parser case, a setter and a getter.
 * The settings of an {@link HttpFileServer}, from the command line ({@link #parse}) or set in code (chained
 * setters, like Netty's bootstraps). Not thread-safe; {@link HttpFileServer#start} takes a snapshot.
 */
public final class HttpFileServerConfig {
    /** The command-line usage text. */
    public static final String USAGE = String.join("\n",
            "usage: HttpFileServer [options]",
            "  --dir DIR                  directory to serve (default: a new temporary directory holding a few",
            "                             sample files, printed at start-up and deleted at exit)",
            "  --bind ADDRESS             address to listen on (default 127.0.0.1)",
            "  --http-port N              plain HTTP port (default 8080; 0 = any free port, -1 = off)",
            "  --https-port N             HTTPS port (default 8443; 0 = any free port, -1 = off)",
            "  --keystore FILE            PKCS#12/JKS keystore for HTTPS (default: a self-signed certificate",
            "                             for localhost/127.0.0.1 made at start-up with keytool)",
            "  --keystore-password PW     the keystore's password",
            "  --chunked-file             serve bodies with Netty's blocking ChunkedFile instead of ChunkedAioFile",
            "                             (reads on the event loop: for benchmark comparisons only)",
            "  --engine ENGINE            AioEngine for file I/O: auto, io_uring, posix_aio, blocking (default auto)",
            "  --transport T              nio, epoll or io_uring (default: the best available)",
            "  --threads N                event-loop threads (default: 2 x cores)",
            "  --disk-threads N           threads for open/stat/listing/rename (default 4)",
            "  --idle-timeout SECONDS     close connections with nothing read or written for that long, a",
            "                             stalled reader included (last resort, like nginx send_timeout;",
            "                             default 180; 0 = never)",
            "  --max-connections N        most open connections, more are closed at once (nginx",
            "                             worker_connections; default: (descriptor limit - 256) / 2, at most",
            "                             10000; 0 = no cap)",
            "  --header-timeout SECONDS   a request head must arrive whole within this, from its first byte",
            "                             or the connection's start (nginx client_header_timeout; default 30;",
            "                             0 = never); answered 408",
            "  --body-timeout SECONDS     longest gap between two reads of a request body (nginx",
            "                             client_body_timeout; default 60; 0 = never); answered 408",
            "  --keep-alive-timeout SECONDS  close a connection idle between requests for that long (nginx",
            "                             keepalive_timeout; default 75; 0 = never)",
            "  --max-request-line BYTES   longest request line, longer ones get 414 (default 8192)",
            "  --max-header-size BYTES    most bytes of header fields, more get 431 (default 8192)",
            "  --max-headers N            most header fields, more get 431 (default 100; 0 = no limit)",
            "  --max-upload-bytes N       largest PUT body accepted, larger ones get 413 (default 1073741824",
            "                             = 1 GiB; 0 = unlimited)",
            "  --read-only                refuse uploads (PUT gets 405)",
            "  --show-hidden              serve and list dot-files and dot-directories (default: hidden, 404)",
            "  --quiet                    no access log",
            "  --help                     this text");

    /** The default of {@link #idleTimeoutSeconds(int)}: 180 s, above the keep-alive timeout (75 s). */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 180;

    /** The default of {@link #maxUploadBytes(long)}: 1 GiB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 30;

    private Path dir;
    private String bindAddress = "127.0.0.1";
    private int httpPort = 8080;
    private int httpsPort = 8443;
    private Path keyStoreFile;
    private char[] keyStorePassword;
    private TlsCredentials tls;
    private boolean chunkedFile;
    private AioEngine engine = AioEngine.AUTO;
    private Transport transport;
    private int threads;
    private int diskThreads = 4;
    private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
    private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    /** Null: {@link HttpServerLimits#defaultMaxConnections()}, computed when {@link #limits()} is called. */
    private Integer maxConnections;
    private long headerTimeoutMillis = HttpServerLimits.DEFAULT_HEADER_TIMEOUT_MILLIS;
    private long bodyTimeoutMillis = HttpServerLimits.DEFAULT_BODY_TIMEOUT_MILLIS;
    private long keepAliveTimeoutMillis = HttpServerLimits.DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS;
    private int maxInitialLineLength = HttpServerLimits.DEFAULT_MAX_INITIAL_LINE_LENGTH;
    private int maxHeaderSize = HttpServerLimits.DEFAULT_MAX_HEADER_SIZE;
    private int maxHeaderCount = HttpServerLimits.DEFAULT_MAX_HEADER_COUNT;
    private boolean readOnly;
    private boolean showHidden;
    private Consumer<String> accessLog = System.out::println;

    /**
     * The settings named by command-line {@code args}.
     *
     * @throws IllegalArgumentException an unknown flag, a missing or bad value, or {@code --help} (the message
     *                                  is then {@link #USAGE})
     */
    public static HttpFileServerConfig parse(String... args) {
        HttpFileServerConfig c = new HttpFileServerConfig();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help":
                case "-h":
                    throw new IllegalArgumentException(USAGE);
                case "--chunked-file":
                    c.chunkedFile(true);
                    continue;
                case "--quiet":
                    c.accessLog(line -> { });
                    continue;
                case "--read-only":
                    c.readOnly(true);
                    continue;
                case "--show-hidden":
                    c.showHidden(true);
                    continue;
                default:
                    break;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
                }
                value = args[++i];
            }
            switch (a) {
                case "--dir": c.dir(Paths.get(value)); break;
                case "--bind": c.bindAddress(value); break;
                case "--http-port": c.httpPort(port(a, value)); break;
                case "--https-port": c.httpsPort(port(a, value)); break;
                case "--keystore": c.keyStore(Paths.get(value)); break;
                case "--keystore-password": c.keyStorePassword(value.toCharArray()); break;
                case "--engine": c.engine(engine(value)); break;
                case "--transport": c.transport(Transport.parse(value)); break;
                case "--threads": c.threads(count(a, value, 0)); break;
                case "--disk-threads": c.diskThreads(count(a, value, 1)); break;
                case "--idle-timeout": c.idleTimeoutSeconds(count(a, value, 0)); break;
                case "--max-upload-bytes": c.maxUploadBytes(bytes(a, value)); break;
                case "--max-connections": c.maxConnections(count(a, value, 0)); break;
                case "--header-timeout": c.headerTimeoutMillis(1000L * count(a, value, 0)); break;
                case "--body-timeout": c.bodyTimeoutMillis(1000L * count(a, value, 0)); break;
                case "--keep-alive-timeout": c.keepAliveTimeoutMillis(1000L * count(a, value, 0)); break;
                case "--max-request-line": c.maxInitialLineLength(count(a, value, 1)); break;
                case "--max-header-size": c.maxHeaderSize(count(a, value, 1)); break;
                case "--max-headers": c.maxHeaderCount(count(a, value, 0)); break;
                default: throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (c.keyStoreFile != null && c.keyStorePassword == null) {
            throw new IllegalArgumentException("--keystore needs --keystore-password");
        }
        return c;
    }

    private static int port(String flag, String v) {
        int p = count(flag, v, -1);
        if (p > 65535) {
            throw new IllegalArgumentException(flag + ": " + v + " is not a port");
        }
        return p;
    }

    private static int count(String flag, String v, int min) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + v);
        }
        if (n < min) {
            throw new IllegalArgumentException(flag + ": " + v + " (expected >= " + min + ")");
        }
        return n;
    }

    private static long bytes(String flag, String v) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + v);
        }
        if (n < 0) {
            throw new IllegalArgumentException(flag + ": " + v + " (expected >= 0)");
        }
        return n;
    }

    private static AioEngine engine(String v) {
        try {
            return AioEngine.valueOf(v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--engine: unknown engine " + v + " (auto, io_uring, posix_aio,"
                    + " kqueue_aio, blocking)");
        }
    }

    /**
     * Serves {@code dir}; {@code null} (the default) serves a new temporary directory holding a few sample files,
     * made when the server starts and deleted when it is closed (see {@link SampleDirectory}).
     */
    public HttpFileServerConfig dir(Path dir) {
        this.dir = dir;
        return this;
    }

    /** Listens on {@code address} (default {@code 127.0.0.1}). */
    public HttpFileServerConfig bindAddress(String address) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        return this;
    }

    /** The plain HTTP port (default 8080; 0: any free port; -1: no plain HTTP). */
    public HttpFileServerConfig httpPort(int port) {
        this.httpPort = port;
        return this;
    }

    /** The HTTPS port (default 8443; 0: any free port; -1: no HTTPS). */
    public HttpFileServerConfig httpsPort(int port) {
        this.httpsPort = port;
        return this;
    }

    /** A keystore file with the HTTPS key and certificate (default: a self-signed one made at start-up). */
    public HttpFileServerConfig keyStore(Path file) {
        this.keyStoreFile = file;
        return this;
    }

    /** The password of {@link #keyStore(Path)}. */
    public HttpFileServerConfig keyStorePassword(char[] password) {
        this.keyStorePassword = password == null ? null : password.clone();
        return this;
    }

    /** HTTPS credentials made in code (tests share one self-signed certificate); wins over a keystore file. */
    public HttpFileServerConfig tls(TlsCredentials tls) {
        this.tls = tls;
        return this;
    }

    /** Serve bodies with Netty's blocking {@code ChunkedFile} instead of {@code ChunkedAioFile}. */
    public HttpFileServerConfig chunkedFile(boolean chunkedFile) {
        this.chunkedFile = chunkedFile;
        return this;
    }

    /** The engine of every {@code AioFile} (default {@link AioEngine#AUTO}). */
    public HttpFileServerConfig engine(AioEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        return this;
    }

    /** The socket transport (default {@code null}: {@link Transport#best()}). */
    public HttpFileServerConfig transport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** Event-loop threads (default 0: Netty's default, twice the cores). */
    public HttpFileServerConfig threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** Threads for open, stat, listings and renames ({@code HttpFileService.Builder.diskThreads}; default 4). */
    public HttpFileServerConfig diskThreads(int diskThreads) {
        this.diskThreads = diskThreads;
        return this;
    }

    /**
     * Closes connections idle (nothing read or written) this long, a client that stopped reading a response
     * included (default {@link #DEFAULT_IDLE_TIMEOUT_SECONDS}; 0: never). The last resort, above the other
     * deadlines: idle connections between requests are closed by {@link #keepAliveTimeoutMillis(long)}, stalled
     * requests by the header and body timeouts.
     */
    public HttpFileServerConfig idleTimeoutSeconds(int seconds) {
        this.idleTimeoutSeconds = seconds;
        return this;
    }

    /**
     * The largest {@code PUT} body accepted (default {@link #DEFAULT_MAX_UPLOAD_BYTES}; 0: unlimited): a larger
     * {@code Content-Length} is answered {@code 413} at once, a chunked body is aborted with {@code 413} (its
     * temporary file deleted) as soon as it exceeds the limit.
     *
     * @throws IllegalArgumentException a negative limit
     */
    public HttpFileServerConfig maxUploadBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxUploadBytes: " + bytes + " (expected >= 0)");
        }
        this.maxUploadBytes = bytes;
        return this;
    }

    /**
     * The most open connections; more are closed at once (default: {@link HttpServerLimits#defaultMaxConnections()}
     * from the descriptor limit; 0: no cap).
     */
    public HttpFileServerConfig maxConnections(int n) {
        this.maxConnections = n;
        return this;
    }

    /** See {@link HttpServerLimits.Builder#headerTimeout} (default 30 s; 0: none). */
    public HttpFileServerConfig headerTimeoutMillis(long millis) {
        this.headerTimeoutMillis = millis;
        return this;
    }

    /** See {@link HttpServerLimits.Builder#bodyTimeout} (default 60 s; 0: none). */
    public HttpFileServerConfig bodyTimeoutMillis(long millis) {
        this.bodyTimeoutMillis = millis;
        return this;
    }

    /** See {@link HttpServerLimits.Builder#keepAliveTimeout} (default 75 s; 0: none). */
    public HttpFileServerConfig keepAliveTimeoutMillis(long millis) {
        this.keepAliveTimeoutMillis = millis;
        return this;
    }

    /** The longest request line, longer ones get {@code 414} (default 8192). */
    public HttpFileServerConfig maxInitialLineLength(int bytes) {
        this.maxInitialLineLength = bytes;
        return this;
    }

    /** The most bytes of header fields, more get {@code 431} (default 8192). */
    public HttpFileServerConfig maxHeaderSize(int bytes) {
        this.maxHeaderSize = bytes;
        return this;
    }

    /** The most header fields, more get {@code 431} (default 100; 0: no limit). */
    public HttpFileServerConfig maxHeaderCount(int n) {
        this.maxHeaderCount = n;
        return this;
    }

    /** Refuse uploads: {@code PUT} is answered {@code 405} (default false: uploads enabled). */
    public HttpFileServerConfig readOnly(boolean readOnly) {
        this.readOnly = readOnly;
        return this;
    }

    /** Serve and list names starting with {@code .} (default false: they are hidden, {@code 404}). */
    public HttpFileServerConfig showHidden(boolean showHidden) {
        this.showHidden = showHidden;
        return this;
    }

    /** Where access-log lines go (default standard output); called on event loops, must be thread-safe. */
    public HttpFileServerConfig accessLog(Consumer<String> sink) {
        this.accessLog = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /** The directory to serve, or null for a temporary directory of samples. */
    public Path dir() {
        return dir;
    }

    /** The address to listen on. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The plain HTTP port (-1: none). */
    public int httpPort() {
        return httpPort;
    }

    /** The HTTPS port (-1: none). */
    public int httpsPort() {
        return httpsPort;
    }

    /** The keystore file, or null. */
    public Path keyStore() {
        return keyStoreFile;
    }

    /** The keystore password (a copy), or null. */
    public char[] keyStorePassword() {
        return keyStorePassword == null ? null : keyStorePassword.clone();
    }

    /** Credentials set in code, or null. */
    public TlsCredentials tls() {
        return tls;
    }

    /** Whether bodies go through the blocking {@code ChunkedFile}. */
    public boolean chunkedFile() {
        return chunkedFile;
    }

    /** The file engine. */
    public AioEngine engine() {
        return engine;
    }

    /** The transport, or null for the best available. */
    public Transport transport() {
        return transport;
    }

    /** Event-loop threads (0: Netty's default). */
    public int threads() {
        return threads;
    }

    /** Disk threads. */
    public int diskThreads() {
        return diskThreads;
    }

    /** The idle timeout in seconds (0: none). */
    public int idleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    /** The largest upload in bytes (0: unlimited). */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /**
     * The connection and request limits set; the default connection cap reads the descriptor limit (call it
     * off the event loops).
     *
     * @throws IllegalArgumentException a limit out of range
     */
    public HttpServerLimits limits() {
        HttpServerLimits.Builder b = HttpServerLimits.builder();
        if (maxConnections != null) {
            b.maxConnections(maxConnections);
        }
        return b.headerTimeout(headerTimeoutMillis, TimeUnit.MILLISECONDS)
                .bodyTimeout(bodyTimeoutMillis, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepAliveTimeoutMillis, TimeUnit.MILLISECONDS)
                .maxInitialLineLength(maxInitialLineLength)
                .maxHeaderSize(maxHeaderSize)
                .maxHeaderCount(maxHeaderCount)
                .build();
    }

    /** Whether uploads are refused. */
    public boolean readOnly() {
        return readOnly;
    }

    /** Whether dot-files are served. */
    public boolean showHidden() {
        return showHidden;
    }

    /** The access-log sink. */
    public Consumer<String> accessLog() {
        return accessLog;
    }
}
