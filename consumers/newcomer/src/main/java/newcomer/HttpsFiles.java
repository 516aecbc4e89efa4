package newcomer;

import io.github.nettyaio.handler.AioFilePipelines;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.*;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Serves the files of DIR over HTTPS (self-signed) without blocking the loop: GET /NAME. */
public final class HttpsFiles {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        X509Bundle cert = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true).buildSelfSigned();
        SslContext ssl = SslContextBuilder.forServer(cert.toKeyManagerFactory()).build();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec());
                            AioFilePipelines.addFileServing(ch.pipeline());
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpRequest>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                                    Path file = dir.resolve(Paths.get(req.uri()).getFileName().toString());
                                    ChunkedAioFile.openAsync(ctx.channel(), file).addListener(f -> {
                                        if (!f.isSuccess()) {
                                            FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                                                    HttpResponseStatus.NOT_FOUND);
                                            HttpUtil.setContentLength(res, 0);
                                            ctx.writeAndFlush(res);
                                            return;
                                        }
                                        ChunkedAioFile body = (ChunkedAioFile) f.getNow();
                                        HttpResponse res = new DefaultHttpResponse(req.protocolVersion(), HttpResponseStatus.OK);
                                        HttpUtil.setContentLength(res, body.length());
                                        ctx.write(res);
                                        ctx.writeAndFlush(new HttpChunkedInput(body));
                                    });
                                }
                            });
                        }
                    })
                    .bind(8443).sync().channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
