package dev.reactivedfu.netty.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops transports use unless given others: two daemon threads, enough for dozens of serial ports
 * (their blocking I/O runs on per-port threads; the loop only moves buffers) and for local channels.
 */
public final class DfuEventLoops {

    private DfuEventLoops() {
    }

    private static final class Holder {
        static final EventLoopGroup SHARED = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("dfu-netty", true), LocalIoHandler.newFactory());
    }

    /** The shared group, created on first use; its threads are daemons, so it never keeps a JVM alive. */
    public static EventLoopGroup shared() {
        return Holder.SHARED;
    }
}
