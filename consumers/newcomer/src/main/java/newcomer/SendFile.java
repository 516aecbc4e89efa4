package newcomer;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Sends a file to every client that connects, then closes: the file is read without blocking the loop. */
public final class SendFile {
    public static void main(String[] args) throws Exception {
        Path path = Paths.get(args[0]);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChunkedWriteHandler(), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(ChunkedAioFile.open(ctx.channel(), path))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            });
                        }
                    })
                    .bind(8007).sync().channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
