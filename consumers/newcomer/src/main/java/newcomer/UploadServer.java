package newcomer;

import io.github.nettyaio.handler.AioFileWriteHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Stores the body of every PUT /NAME in DIR/NAME without blocking the loop, then answers 201. */
public final class UploadServer {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<HttpRequest>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                                    Path target = dir.resolve(Paths.get(req.uri()).getFileName().toString());
                                    AioFileWriteHandler store = AioFileWriteHandler.builder(target)
                                            .deleteOnFailure(true).build();
                                    ctx.pipeline().addAfter(ctx.name(), null, store);
                                    store.completion().addListener(f -> {
                                        HttpResponseStatus status = f.isSuccess() ? HttpResponseStatus.CREATED
                                                : HttpResponseStatus.INTERNAL_SERVER_ERROR;
                                        DefaultFullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status);
                                        HttpUtil.setContentLength(res, 0);
                                        ctx.writeAndFlush(res);
                                        ctx.pipeline().remove(store);
                                    });
                                }
                            });
                        }
                    })
                    .bind(8008).sync().channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
