package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.simulator.SimulatedDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Serves one {@link SimulatedDevice} on a Netty local channel: the bytes a client writes go to the simulated line
 * ({@link SimulatedDevice#hostWrite}), the device's bytes come back on the channel. A client made with
 * {@code NettyDfuTransport.local(address, group)} therefore runs the production pipeline (SLIP, the DFU codecs, the
 * bridge) exactly as on a serial port; only the port itself is modelled, by the simulator. The local channel takes
 * writes at once, like a port with a large buffer; the simulator's line keeps the bytes in order at the baud rate.
 */
public final class SimulatorServer implements AutoCloseable {

    private final SimulatedDevice device;
    private final LocalAddress address;
    private final Channel server;

    /** Binds a new local address served by {@code device} on {@code group}. */
    public SimulatorServer(SimulatedDevice device, EventLoopGroup group) {
        this.device = device;
        this.address = new LocalAddress("dfu-sim-" + UUID.randomUUID());
        this.server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new Line());
                    }
                })
                .bind(address).syncUninterruptibly().channel();
    }

    /** The address to connect to. */
    public LocalAddress address() {
        return address;
    }

    /** The device served. */
    public SimulatedDevice device() {
        return device;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    /** One connection: host bytes to the line, device bytes to the host. */
    private final class Line extends ChannelInboundHandlerAdapter {
        private Consumer<byte[]> toHost;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            toHost = bytes -> ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes));
            device.attachHost(toHost);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                device.hostWrite(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            device.detachHost(toHost);
            ctx.fireChannelInactive();
        }
    }
}
