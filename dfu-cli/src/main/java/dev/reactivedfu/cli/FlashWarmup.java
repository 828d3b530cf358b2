package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.netty.transport.DfuEventLoops;
import dev.reactivedfu.netty.transport.DfuPipeline;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.transfer.DfuClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start fast (issue 10): while {@code dfu flash} parses its options (picocli) on the main thread and then checks the
 * package (which must come first: nothing is sent before the package is known to be good), a daemon thread
 * initialises what comes next, without touching the port: the package check's own code (run on the built-in
 * package), logging, Netty's event loops and buffers, the SLIP and DFU codecs (one PING through an
 * {@link EmbeddedChannel} pipeline), Reactor's parallel scheduler and the operators the handshake uses, jSerialComm's
 * native library, the engine's classes. On two cores that work runs beside the main thread's instead of after it. A
 * failure here changes nothing: the update meets it again and reports it.
 */
final class FlashWarmup {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Engine classes the first frame runs through (package-private, so named). */
    private static final List<String> ENGINE = List.of(
            "dev.reactivedfu.transfer.UpdateRun", "dev.reactivedfu.transfer.Handshake",
            "dev.reactivedfu.transfer.Exchange", "dev.reactivedfu.transfer.DeviceProbe",
            "dev.reactivedfu.transfer.PlanRunner", "dev.reactivedfu.transfer.ObjectTransfer",
            "dev.reactivedfu.transfer.ObjectStreamer", "dev.reactivedfu.netty.transport.NettyDfuConnection",
            "dev.reactivedfu.netty.serial.SerialChannel", "dev.reactivedfu.netty.serial.SerialChannelConfig",
            "io.netty.bootstrap.Bootstrap");

    private FlashWarmup() {
    }

    /**
     * Starts the warm-up once per process; {@code signed}: the flash checks a signature ({@code --key}), so the
     * signature check's code (BouncyCastle's among it) is warmed too.
     */
    static void start(boolean signed) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> run(signed), "dfu-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run(boolean signed) {
        try {
            FlashCommand.skipNettyJfr(); // before the first Netty class initialises
            readBuiltInPackage(signed);
            LoggerFactory.getILoggerFactory();
            DfuEventLoops.shared();
            pipeline();
            Flux.range(0, 2)
                    .concatMap(i -> Mono.just(i).timeout(Duration.ofSeconds(5), Schedulers.parallel()))
                    .then(Mono.delay(Duration.ofMillis(1), Schedulers.parallel()))
                    .block(Duration.ofSeconds(5));
            DfuClient.create();
            ClassLoader loader = FlashWarmup.class.getClassLoader();
            Class.forName("com.fazecast.jSerialComm.SerialPort", true, loader); // unpacks its native library
            for (String name : ENGINE) {
                Class.forName(name, true, loader);
            }
        } catch (Throwable ignored) {
            // the update itself meets any real problem and reports it
        }
    }

    /**
     * The package check's code (zip, manifest JSON, init packet protobuf, hashes, and with {@code signed} the key's
     * PEM and the ECDSA check) run once on the built-in package and its key, so that the user's package, read on the
     * main thread as soon as the options are parsed, finds it ready. BouncyCastle loads only when {@code --key} is
     * given.
     */
    private static void readBuiltInPackage(boolean signed) throws IOException {
        try (InputStream in = FlashWarmup.class.getResourceAsStream(DemoCommand.BUILT_IN_PACKAGE);
             InputStream key = FlashWarmup.class.getResourceAsStream(DemoCommand.BUILT_IN_KEY)) {
            if (in == null) {
                return;
            }
            DfuPackageReader reader = new DfuPackageReader();
            if (signed && key != null) {
                reader.read("built-in package", in.readAllBytes(),
                        PublicKeys.parse("built-in key", new String(key.readAllBytes(), StandardCharsets.US_ASCII)));
            } else {
                reader.read("built-in package", in.readAllBytes());
            }
        }
    }

    /** One PING out and its answer in through the production codecs. */
    private static void pipeline() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DfuPipeline.install(channel.pipeline(), SlipFrameDecoder.DEFAULT_MAX_FRAME_LENGTH,
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                });
        channel.writeOutbound(new DfuRequest.Ping(1));
        ReferenceCountUtil.release(channel.readOutbound());
        // 60 09 01 01: PING answered with id 1; C0: END
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x60, 0x09, 0x01, 0x01, (byte) 0xC0}));
        channel.finishAndReleaseAll();
    }
}
