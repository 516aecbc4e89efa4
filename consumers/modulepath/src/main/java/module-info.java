/** A user's module: netty-aio-transport (automatic module io.github.nettyaio.transport) on the module path. */
module example.consumer {
    requires io.github.nettyaio.transport;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    // netty-aio's jars are automatic modules, which can't declare what they need: netty-aio-native uses
    // io.netty.channel.unix.FileDescriptor (AioFile.fd() returns one), so that module must be resolved too.
    requires io.netty.transport.unix.common;
}
