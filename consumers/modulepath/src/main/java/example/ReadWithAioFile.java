package example;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the file named by the first argument with AioFile on an NIO loop and prints what it read, from the
 * module path: this class in module example.consumer, AioFile in the automatic module io.github.nettyaio.transport.
 */
public final class ReadWithAioFile {
    public static void main(String[] args) throws Exception {
        for (String absent : List.of("io.netty.channel.uring.IoUring", "io.netty.channel.epoll.Epoll",
                "io.netty.channel.kqueue.KQueue", "io.netty.handler.codec.http.HttpContent")) {
            try {
                Class.forName(absent);
                throw new AssertionError(absent + " should not be on the class path");
            } catch (ClassNotFoundException expected) {
                // an optional dependency of netty-aio-transport, not brought along
            }
        }
        for (Class<?> c : List.of(ReadWithAioFile.class, AioFile.class)) {
            if (!c.getModule().isNamed()) {
                throw new AssertionError(c + " is not in a named module: run it from the module path");
            }
        }
        Module sys = ModuleLayer.boot().findModule("io.github.nettyaio.sys")
                .orElseThrow(() -> new AssertionError("io.github.nettyaio.sys is not in the boot layer"));
        System.out.println("modules: " + ReadWithAioFile.class.getModule().getName() + ", "
                + AioFile.class.getModule().getDescriptor().toNameAndVersion() + " (automatic: "
                + AioFile.class.getModule().getDescriptor().isAutomatic() + "), " + sys.getDescriptor().toNameAndVersion());
        Path path = Paths.get(args[0]);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IoEventLoop loop = (IoEventLoop) group.next();
            read(loop, path, null);                // AUTO: BLOCKING on Linux without io_uring
            read(loop, path, AioEngine.POSIX_AIO); // glibc's POSIX AIO through JNA
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Reads all of {@code path} with {@code engine} (null: {@code AioFile.open(loop, path, READ)}, i.e. AUTO). */
    private static void read(IoEventLoop loop, Path path, AioEngine engine) throws Exception {
        try (AioFile file = engine == null
                ? AioFile.open(loop, path, StandardOpenOption.READ)
                : AioFile.open(loop, path, engine, StandardOpenOption.READ)) {
            ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer((int) file.size());
            try {
                int n = file.readFully(buf, 0).get(30, TimeUnit.SECONDS);
                String text = buf.toString(StandardCharsets.UTF_8);
                System.out.println("read " + n + " bytes of " + path + " with " + file.engine() + " (asked "
                        + (engine == null ? "default" : engine) + ") on an NIO loop (" + loop.getClass().getSimpleName() + ")"
                        + "; first line: " + text.lines().findFirst().orElse(""));
                if (n != Files.size(path)) {
                    throw new AssertionError("read " + n + " of " + Files.size(path) + " bytes");
                }
            } finally {
                buf.release();
            }
        }
    }
}
