package dev.reactivedfu.netty.serial;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The serial channel over real pseudo-terminal pairs (socat). */
class SerialChannelTest {

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoop() {
        // one thread on purpose: channels sharing a loop must not stall each other
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Collects what a channel reads (releasing every buffer) and the exceptions it sees. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                synchronized (bytes) {
                    bytes.write(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
                }
            } finally {
                b.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.compareAndSet(null, cause);
        }

        byte[] bytes() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }
    }

    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    private static Channel open(String path, Recorder recorder, boolean autoRead) {
        ChannelFuture f = new Bootstrap()
                .group(group)
                .channel(SerialChannel.class)
                .option(SerialChannelOption.BAUD_RATE, 1_000_000)
                .option(io.netty.channel.ChannelOption.AUTO_READ, autoRead)
                .handler(recorder)
                .connect(new SerialDeviceAddress(path));
        assertThat(f.awaitUninterruptibly(5, TimeUnit.SECONDS)).as("connect completes").isTrue();
        assertThat(f.cause()).as("connect cause").isNull();
        return f.channel();
    }

    private static int available(FileInputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void bytes_flow_both_ways_over_a_pty_pair() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "both")) {
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            Channel a = open(pty.a(), ra, true);
            Channel b = open(pty.b(), rb, true);

            assertThat(a.writeAndFlush(ascii("ping from a")).await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(b.writeAndFlush(ascii("pong from b")).await(5, TimeUnit.SECONDS)).isTrue();

            assertThat(await(() -> rb.size() == 11 && ra.size() == 11, Duration.ofSeconds(5))).isTrue();
            assertThat(new String(rb.bytes(), StandardCharsets.US_ASCII)).isEqualTo("ping from a");
            assertThat(new String(ra.bytes(), StandardCharsets.US_ASCII)).isEqualTo("pong from b");
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
            assertThat(ra.error.get()).isNull();
        }
    }

    @Test
    void a_large_write_arrives_whole_and_in_order() throws Exception {
        long seed = System.nanoTime();
        byte[] payload = new byte[300_000]; // more than a pty buffers: the writer thread blocks in between
        new Random(seed).nextBytes(payload);
        try (SocatPty pty = SocatPty.start(dir, "large")) {
            Recorder rb = new Recorder();
            Channel a = open(pty.a(), new Recorder(), true);
            Channel b = open(pty.b(), rb, true);

            ChannelFuture w = a.writeAndFlush(Unpooled.wrappedBuffer(payload));

            assertThat(w.await(20, TimeUnit.SECONDS)).as("seed %d", seed).isTrue();
            assertThat(w.isSuccess()).isTrue();
            assertThat(await(() -> rb.size() == payload.length, Duration.ofSeconds(20))).as("seed %d", seed).isTrue();
            assertThat(rb.bytes()).as("seed %d", seed).isEqualTo(payload);
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
        }
    }

    @Test
    void with_auto_read_off_nothing_is_read_and_the_sender_is_held_back_until_reading_resumes() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        try (SocatPty pty = SocatPty.start(dir, "autoread")) {
            Recorder ra = new Recorder();
            Channel a = open(pty.a(), ra, false);
            Channel b = open(pty.b(), new Recorder(), true);

            ChannelFuture w = b.writeAndFlush(Unpooled.wrappedBuffer(payload));

            // 1 MiB does not fit in the pty and socat buffers: with a not reading, b's write cannot finish
            assertThat(w.await(500, TimeUnit.MILLISECONDS)).as("sender held back").isFalse();
            assertThat(ra.size()).as("nothing read while auto-read is off").isZero();

            a.read(); // one read request: one chunk
            assertThat(await(() -> ra.size() > 0, Duration.ofSeconds(5))).isTrue();
            int afterOneRead = ra.size();
            assertThat(afterOneRead).isLessThanOrEqualTo(SerialChannel.READ_CHUNK);
            assertThat(await(() -> ra.size() > afterOneRead, Duration.ofMillis(300))).as("no more without a request")
                    .isFalse();

            a.config().setAutoRead(true);
            assertThat(w.await(20, TimeUnit.SECONDS)).as("sender released").isTrue();
            assertThat(await(() -> ra.size() == payload.length, Duration.ofSeconds(20))).isTrue();
            assertThat(ra.bytes()).isEqualTo(payload);
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
        }
    }

    @Test
    void killing_socat_closes_the_channel_with_the_cause_within_seconds() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "kill")) {
            Recorder ra = new Recorder();
            SerialChannel a = (SerialChannel) open(pty.a(), ra, true);

            pty.kill();

            assertThat(a.closeFuture().await(5, TimeUnit.SECONDS)).as("closed within 5 s").isTrue();
            assertThat(ra.error.get()).isInstanceOf(SerialPortException.class)
                    .hasMessageContaining("end of stream").hasMessageContaining(pty.a());
            assertThat(a.closeCause()).containsSame(ra.error.get());
            ChannelFuture late = a.writeAndFlush(ascii("too late"));
            assertThat(late.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(late.isSuccess()).isFalse();
        }
    }

    @Test
    void a_port_whose_other_end_stopped_reading_does_not_stall_another_port_on_the_same_loop() throws Exception {
        try (SocatPty stuck = SocatPty.start(dir, "stuck"); SocatPty live = SocatPty.start(dir, "live")) {
            // nobody opens stuck.b(): socat stops draining stuck.a() once its buffers fill
            Channel blocked = open(stuck.a(), new Recorder(), true);
            ChannelFuture hung = blocked.writeAndFlush(Unpooled.wrappedBuffer(new byte[4 << 20]));

            Recorder rb = new Recorder();
            Channel a = open(live.a(), new Recorder(), true);
            Channel b = open(live.b(), rb, true);
            for (int i = 0; i < 20; i++) {
                assertThat(a.writeAndFlush(ascii("x")).await(2, TimeUnit.SECONDS)).as("write %d", i).isTrue();
            }
            assertThat(await(() -> rb.size() == 20, Duration.ofSeconds(5))).isTrue();
            assertThat(hung.isDone()).as("the stuck write is still pending").isFalse();

            blocked.close().syncUninterruptibly();
            assertThat(hung.await(5, TimeUnit.SECONDS)).as("closing fails the stuck write").isTrue();
            assertThat(hung.isSuccess()).isFalse();
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
        }
    }

    @Test
    void bytes_the_port_has_not_taken_count_as_awaiting_write_and_the_write_completes_once_they_left() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "held")) {
            // nobody reads pty.b() yet: socat stops draining pty.a() once its buffers fill, as a held line would
            Channel a = open(pty.a(), new Recorder(), true);
            SerialChannel serial = (SerialChannel) a;
            int size = 1 << 20;
            ChannelFuture write = a.writeAndFlush(Unpooled.wrappedBuffer(new byte[size]));
            assertThat(await(() -> serial.bytesAwaitingWrite() > 0 && serial.bytesAwaitingWrite() < size,
                    Duration.ofSeconds(5))).as("part taken by the ptys, the rest awaiting write").isTrue();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(write.isDone()).as("the write is not complete while its bytes wait").isFalse();
            long waiting = serial.bytesAwaitingWrite();
            assertThat(waiting).isPositive();

            Recorder rb = new Recorder();
            Channel b = open(pty.b(), rb, true);
            assertThat(write.await(10, TimeUnit.SECONDS)).as("the write completes once the bytes left").isTrue();
            assertThat(write.isSuccess()).isTrue();
            assertThat(serial.bytesAwaitingWrite()).isZero();
            assertThat(await(() -> rb.size() >= waiting, Duration.ofSeconds(10)))
                    .as("what waited on the host arrives").isTrue();
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
        }
    }

    @Test
    void a_drain_pause_is_the_excess_bytes_line_time_within_bounds() {
        assertThat(SerialChannel.drainPause(1000, 1_000_000, 10)).isEqualTo(10_000_000);   // 1000 bytes at 1 Mbaud
        assertThat(SerialChannel.drainPause(1, 1_000_000, 10)).isEqualTo(200_000);         // never busy-spins
        assertThat(SerialChannel.drainPause(100_000, 9600, 10)).isEqualTo(20_000_000);    // looks again within 20 ms
        assertThat(SerialChannel.drainPause(50, 115_200, 11)).isEqualTo(4_774_306);        // 8E1: 11 bits a byte
        assertThat(SerialChannel.drainPause(50, 0, 10)).isEqualTo(200_000);               // baud unknown
    }

    @Test
    void input_waiting_in_the_port_before_it_opens_is_discarded() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "stale")) {
            Channel b = open(pty.b(), new Recorder(), true);
            // watch a's input queue without reading it: available() asks the tty (FIONREAD)
            try (FileInputStream probe = new FileInputStream(pty.a())) {
                b.writeAndFlush(ascii("stale")).syncUninterruptibly();
                assertThat(await(() -> available(probe) == 5, Duration.ofSeconds(5))).isTrue();

                Recorder ra = new Recorder();
                Channel a = open(pty.a(), ra, true);
                b.writeAndFlush(ascii("fresh")).syncUninterruptibly();

                assertThat(await(() -> ra.size() >= 5, Duration.ofSeconds(5))).isTrue();
                assertThat(new String(ra.bytes(), StandardCharsets.US_ASCII)).isEqualTo("fresh");
                a.close().syncUninterruptibly();
            }
            b.close().syncUninterruptibly();
        }
    }

    @Test
    void connecting_to_a_missing_port_fails_with_the_path() {
        ChannelFuture f = new Bootstrap()
                .group(group)
                .channel(SerialChannel.class)
                .handler(new Recorder())
                .connect(new SerialDeviceAddress(dir.resolve("no-such-port").toString()));

        assertThat(f.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cause()).isInstanceOf(SerialPortException.class).hasMessageContaining("no-such-port");
        assertThat(f.channel().closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void options_set_on_the_bootstrap_are_readable_from_the_config() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "options")) {
            ChannelFuture f = new Bootstrap()
                    .group(group)
                    .channel(SerialChannel.class)
                    .option(SerialChannelOption.BAUD_RATE, 57_600)
                    .option(SerialChannelOption.DATA_BITS, 7)
                    .option(SerialChannelOption.PARITY, Parity.EVEN)
                    .option(SerialChannelOption.STOP_BITS, StopBits.TWO)
                    .option(SerialChannelOption.RTS_CTS_FLOW_CONTROL, true)
                    .option(SerialChannelOption.DTR, false)
                    .option(SerialChannelOption.RTS, false)
                    .handler(new Recorder())
                    .connect(new SerialDeviceAddress(pty.a()));
            Channel a = f.syncUninterruptibly().channel();

            assertThat(a.config().getOption(SerialChannelOption.BAUD_RATE)).isEqualTo(57_600);
            assertThat(a.config().getOption(SerialChannelOption.DATA_BITS)).isEqualTo(7);
            assertThat(a.config().getOption(SerialChannelOption.PARITY)).isEqualTo(Parity.EVEN);
            assertThat(a.config().getOption(SerialChannelOption.STOP_BITS)).isEqualTo(StopBits.TWO);
            assertThat(a.config().getOption(SerialChannelOption.RTS_CTS_FLOW_CONTROL)).isTrue();
            assertThat(a.config().getOption(SerialChannelOption.DTR)).isFalse();
            assertThat(a.config().getOption(SerialChannelOption.RTS)).isFalse();
            assertThat(a.config().getOptions()).containsKeys(SerialChannelOption.BAUD_RATE, SerialChannelOption.DTR);
            a.close().syncUninterruptibly();
        }
    }
}
