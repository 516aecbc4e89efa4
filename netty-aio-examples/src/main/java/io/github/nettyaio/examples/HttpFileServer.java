/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.http.AcceptBackoff;
import io.github.nettyaio.http.HttpConnectionLimiter;
import io.github.nettyaio.http.HttpServerLimits;
import io.github.nettyaio.http.LoopWarmUp;
import io.github.nettyaio.http.LoopWatchdog;
import io.github.nettyaio.http.file.HttpFileServerInitializer;
import io.github.nettyaio.http.file.HttpFileService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A static file server over HTTP and HTTPS: a command-line {@code main} over netty-aio-http's
 * {@link HttpFileService} (serving, listings, uploads) and {@link HttpFileServerInitializer} (the pipeline, with
 * its limits), on one or two ports. {@code GET}/{@code HEAD} with single byte ranges, HTML directory listings,
 * {@code PUT} uploads, one access-log line per request. File bodies stream through {@code ChunkedWriteHandler}
 * from {@link io.github.nettyaio.handler.ChunkedAioFile} (asynchronous reads completing on the connection's event
 * loop: TLS works, which a {@code FileRegion} can't), or with {@code --chunked-file} from Netty's blocking
 * {@code ChunkedFile} for comparison; uploads go through {@link io.github.nettyaio.handler.AioFileWriteHandler}.
 * No event loop waits for the disk: {@code open}, {@code stat}, {@code realpath}, listings and renames run on the
 * service's disk threads.
 *
 * <p>From the command line ({@link HttpFileServerConfig#USAGE} lists the flags):
 * <pre>java -jar netty-aio-examples/target/netty-aio-examples.jar --dir /srv/files --http-port 8080</pre>
 * Without {@code --dir} (a config whose {@code dir} is null) it serves a new temporary directory holding a few
 * sample files ({@link SampleDirectory}), whose path {@link #describe()} prints, deleted by {@link #close()}: trying
 * the server, uploads included, never writes into the working directory unasked.
 * In code (tests): {@code try (HttpFileServer s = HttpFileServer.start(new HttpFileServerConfig().dir(d)
 * .httpPort(0).httpsPort(0))) { ... s.httpPort() ... }}.
 *
 * <p>Requests whose decoded, normalised path leaves the served directory ({@code ..}, {@code %2e%2e}, symbolic
 * links to outside) get {@code 403}. Names starting with {@code .} (such as {@code .git}) are hidden unless
 * {@code --show-hidden}: not listed, {@code 404}; temporary upload files ({@code .name.<random>.upload}) always
 * are. Several ranges in one {@code Range} header are answered with the whole file ({@code 200}).
 *
 * <p>Uploads are on by default (the default address is {@code 127.0.0.1}; {@link #describe()} warns when they
 * are on for a non-loopback address), refused with {@code --read-only} ({@code 405}), and limited to
 * {@code --max-upload-bytes} (default 1 GiB; {@code 413}). An upload is acknowledged once its file is synced, renamed
 * over the target and the directory synced.
 *
 * <p>A file is checked ({@code realpath}, {@code stat}) and then opened by path; after the open, the descriptor
 * is compared (device and inode, through {@code /proc/self/fd} on Linux) with what was checked, so a file swapped
 * meanwhile for a link out of the served directory or another file is refused. A file swapped for a FIFO in that
 * window can't block a disk thread either: files are opened with {@code PosixFiles.openPositional}
 * ({@code O_NONBLOCK} while opening, then a FIFO is refused). Known limitation: in the {@code --chunked-file} mode
 * on a system without {@code /proc/self/fd} (FreeBSD without linprocfs), Netty's {@code ChunkedFile} needs a
 * {@code RandomAccessFile}, which opens the checked path again, blocking, and neither check holds for it.
 *
 * <p>Running out of descriptors doesn't stop it for good: what the loops would load lazily from the JDK's files
 * (time zones, log formatting) is loaded before binding ({@link LoopWarmUp}), accepting pauses while accepts fail
 * with "Too many open files" ({@link AcceptBackoff}), and a loop whose thread ends anyway is logged at ERROR
 * ({@link LoopWatchdog}); from the command line the process then exits with status 1, for a supervisor to restart.
 */
public final class HttpFileServer implements AutoCloseable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpFileServer.class);
    private final HttpFileServerConfig config;
    private final Transport transport;
    private final IoEventLoopGroup boss;
    private final IoEventLoopGroup workers;
    private final HttpFileService service;
    private final TlsCredentials tls;
    /** The temporary directory of samples served when the config names none (deleted by close), else null. */
    private final SampleDirectory samples;
    private final List<Channel> servers = new ArrayList<>();
    private final LoopWatchdog watchdog;
    private int httpPort = -1;
    private int httpsPort = -1;

    private HttpFileServer(HttpFileServerConfig config, BiConsumer<EventExecutor, Throwable> onLoopDeath)
            throws Exception {
        this.config = config;
        if (config.httpPort() < 0 && config.httpsPort() < 0) {
            throw new IllegalArgumentException("neither HTTP nor HTTPS: give --http-port or --https-port a port >= 0");
        }
        this.transport = config.transport() != null ? config.transport() : Transport.best();
        if (!transport.isAvailable()) {
            throw new IllegalArgumentException("transport " + transport.flag() + " is not available here");
        }
        this.samples = config.dir() == null ? SampleDirectory.create() : null;
        try {
            this.service = HttpFileService.builder(samples != null ? samples.root() : config.dir())
                    .uploads(!config.readOnly())
                    .listings(true)
                    .hiddenFiles(config.showHidden())
                    .maxUploadSize(config.maxUploadBytes())
                    .engine(config.engine())
                    .chunkedFile(config.chunkedFile())
                    .diskThreads(config.diskThreads())
                    .idleTimeout(config.idleTimeoutSeconds(), TimeUnit.SECONDS)
                    .accessLog(config.accessLog())
                    .build();
        } catch (Exception | Error e) {
            deleteSamples();
            throw e;
        }
        try {
            this.tls = credentials(config);
        } catch (Exception | Error e) {
            service.close();
            deleteSamples();
            throw e;
        }
        this.boss = transport.newGroup(1);
        this.workers = transport.newGroup(config.threads());
        this.watchdog = new LoopWatchdog(onLoopDeath).watch(boss).watch(workers);
    }

    /** The HTTPS credentials {@code config} names, made or loaded; null without HTTPS. Blocks. */
    private static TlsCredentials credentials(HttpFileServerConfig config) throws Exception {
        if (config.httpsPort() < 0) {
            return null;
        }
        if (config.tls() != null) {
            return config.tls();
        }
        if (config.keyStore() != null) {
            return TlsCredentials.load(config.keyStore(), config.keyStorePassword());
        }
        return TlsCredentials.selfSigned();
    }

    /**
     * Starts a server with {@code config}: makes the directory of samples if the config names no directory, makes
     * or loads the TLS credentials, binds the ports and returns once they accept connections. Runs on the calling
     * thread and blocks (key generation, binding).
     *
     * @throws IllegalArgumentException the transport is not available, or both ports are -1
     * @throws java.io.IOException      the directory doesn't exist, the keystore can't be read, or a port can't
     *                                  be bound (everything started is shut down again)
     */
    public static HttpFileServer start(HttpFileServerConfig config) throws Exception {
        return start(config, (loop, cause) -> { });
    }

    /**
     * Like {@link #start(HttpFileServerConfig)}, and calls {@code onLoopDeath} (once, after logging it at ERROR)
     * if one of the server's event loops ends before {@link #close()}; {@code main} passes
     * {@link LoopWatchdog#exitProcess(int) exitProcess(1)}. Also turns io_uring's multishot accept off for the
     * JVM if no loop has been made yet ({@link AcceptBackoff#disableIoUringMultishotAccept()}) and warms up
     * {@link LoopWarmUp} before binding.
     */
    public static HttpFileServer start(HttpFileServerConfig config, BiConsumer<EventExecutor, Throwable> onLoopDeath)
            throws Exception {
        AcceptBackoff.disableIoUringMultishotAccept();
        LoopWarmUp.warmUp();
        HttpFileServer s = new HttpFileServer(config, onLoopDeath);
        try {
            s.bind();
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void bind() throws Exception {
        HttpServerLimits limits = config.limits();
        HttpConnectionLimiter connections = limits.newConnectionLimiter(); // one cap for both ports
        if (config.httpPort() >= 0) {
            httpPort = bind(config.httpPort(), null, limits, connections);
        }
        if (tls != null) {
            httpsPort = bind(config.httpsPort(), tls.newServerContext(), limits, connections);
        }
    }

    private int bind(int port, SslContext ssl, HttpServerLimits limits, HttpConnectionLimiter connections)
            throws InterruptedException {
        Channel ch = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .handler(new AcceptBackoff())
                .childHandler(new HttpFileServerInitializer(service, ssl, limits, connections))
                .bind(new InetSocketAddress(config.bindAddress(), port))
                .sync()
                .channel();
        servers.add(ch);
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** The first bound server channel (for tests: its loop is the accepting one). */
    Channel serverChannel() {
        return servers.get(0);
    }

    /** The bound plain HTTP port, -1 if none. */
    public int httpPort() {
        return httpPort;
    }

    /** The bound HTTPS port, -1 if none. */
    public int httpsPort() {
        return httpsPort;
    }

    /**
     * The HTTPS credentials (a client trusts a self-signed server with
     * {@link TlsCredentials#newClientContext()}), or null.
     */
    public TlsCredentials tls() {
        return tls;
    }

    /** The service answering the requests (its root, how many upload renames it has synced). */
    public HttpFileService directory() {
        return service;
    }

    /** The transport the sockets use. */
    public Transport transport() {
        return transport;
    }

    /**
     * The warning printed at start-up when {@code config} accepts uploads on an address that is not a loopback
     * address (anyone who can reach it may then write into the served directory), else null. May resolve a
     * host name (blocks); an address that can't be resolved is warned about too.
     */
    public static String uploadWarning(HttpFileServerConfig config) {
        if (config.readOnly()) {
            return null;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(config.bindAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        return loopback ? null : "WARNING: uploads (PUT) are enabled on " + config.bindAddress()
                + ", which is not a loopback address: anyone who can reach it can write files into "
                + (config.dir() == null ? "the served directory" : config.dir().toAbsolutePath())
                + " (use --read-only to refuse uploads)";
    }

    /** A few lines saying what is served where (and {@link #uploadWarning}, if any), as printed at start-up. */
    public String describe() {
        StringBuilder b = new StringBuilder("HttpFileServer serving ").append(service.root());
        if (samples != null) {
            b.append("\n  a temporary directory of samples (").append(String.join(", ", SampleDirectory.FILES))
                    .append("), deleted when the server stops; --dir DIR serves DIR instead");
        }
        b.append("\n  transport ").append(transport.flag()).append(", bodies via ").append(service.bodyReader());
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        if (httpPort >= 0) {
            b.append("\n  http://").append(host).append(':').append(httpPort).append('/');
        }
        if (httpsPort >= 0) {
            b.append("\n  https://").append(host).append(':').append(httpsPort).append('/')
                    .append(config.tls() == null && config.keyStore() == null
                            ? "  (self-signed certificate: curl -k)" : "");
        }
        b.append(config.readOnly() ? "\n  read-only" : "\n  uploads up to "
                + (config.maxUploadBytes() == 0 ? "any size" : config.maxUploadBytes() + " bytes"));
        if (!config.showHidden()) {
            b.append(", dot-files hidden");
        }
        String warning = uploadWarning(config);
        if (warning != null) {
            b.append('\n').append(warning);
        }
        return b.toString();
    }

    /**
     * Closes the ports, then waits (a few seconds at most) for the disk threads, and only then closes the
     * connections and waits for the loops: a disk task finishing meanwhile still hands what it opened to a live
     * loop (and the service closes what a loop refuses). Then deletes the temporary directory of samples,
     * if this server made one (with whatever was uploaded into it).
     */
    @Override
    public void close() {
        watchdog.stopping();
        for (Channel ch : servers) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        service.close();
        Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        Future<?> b = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        w.awaitUninterruptibly(10, TimeUnit.SECONDS);
        b.awaitUninterruptibly(10, TimeUnit.SECONDS);
        deleteSamples();
    }

    /** Deletes the temporary directory of samples, if this server made one. */
    private void deleteSamples() {
        if (samples != null) {
            try {
                samples.delete();
            } catch (IOException e) {
                System.err.println("HttpFileServer: could not delete the temporary directory " + samples + ": " + e);
            }
        }
    }

    /** Runs the server from the command line until the process is stopped (Ctrl-C). */
    public static void main(String[] args) throws Exception {
        AcceptBackoff.disableIoUringMultishotAccept();
        HttpFileServerConfig config;
        try {
            config = HttpFileServerConfig.parse(args);
        } catch (IllegalArgumentException e) {
            boolean help = e.getMessage().equals(HttpFileServerConfig.USAGE);
            (help ? System.out : System.err).println(e.getMessage());
            System.exit(help ? 0 : 2);
            return;
        }
        // Through Netty's logger (JUL unless another back-end is present) before any loop logs: the first record
        // published loads the handler's and formatter's classes; LoopWarmUp then formats one with a stack trace.
        logger.info("HttpFileServer starting (pid " + ProcessHandle.current().pid() + ")");
        HttpFileServer server;
        try {
            server = start(config, LoopWatchdog.exitProcess(1));
        } catch (java.net.BindException e) {
            System.err.println("HttpFileServer: can't listen on " + config.bindAddress() + " port " + config.httpPort()
                    + " or " + config.httpsPort() + ": " + e.getMessage()
                    + " (choose others with --http-port/--https-port)");
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("HttpFileServer: " + e.getMessage());
            System.exit(2);
            return;
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("HttpFileServer: no such directory: " + e.getFile());
            System.exit(1);
            return;
        }
        System.out.println(server.describe());
        Thread hook = new Thread(server::close, "HttpFileServer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.servers.get(0).closeFuture().sync();
    }
}
