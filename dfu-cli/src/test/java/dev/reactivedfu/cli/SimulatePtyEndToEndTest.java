package dev.reactivedfu.cli;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.simulator.pty.SocatPty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole updates of every fixture package through {@code dfu simulate --pty} over a real pseudo-terminal pair made by
 * socat, with a minimal scripted host on plain file streams; then {@code dfu simulate --dump-app} must give back the
 * package's application byte for byte.
 */
class SimulatePtyEndToEndTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void socatIsInstalled() {
        assumeTrue(SocatPty.socatAvailable(),
                "socat is not installed: skipping the pseudo-terminal tests (apt-get install socat; CI installs it)");
    }

    static List<String> packages() {
        return Fixtures.GOOD;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packages")
    void a_fixture_package_flashed_over_a_pty_is_dumped_back_as_its_application(String zip) throws Exception {
        Path link = dir.resolve("ttyDFU");
        Path flash = dir.resolve("board.bin");
        Path trace = dir.resolve("trace.log");
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        runner[0] = new Thread(() -> exit.complete(DfuCli.run("simulate", "--pty", link.toString(), "--flash",
                flash.toString(), "--trace", trace.toString())), "dfu-simulate");
        runner[0].start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Files.exists(link)) {
                assertThat(exit).as("dfu simulate ended early").isNotDone();
                assertThat(System.nanoTime()).as("the pty link appears").isLessThan(deadline);
                LockSupport.parkNanos(20_000_000);
            }
            for (Fixtures.Image image : Fixtures.images(zip)) {
                try (StreamHost host = StreamHost.open(link)) { // a new connection per image, as an engine does
                    assertThat(host.update(image.dat(), image.bin(), 8))
                            .as(image.kind()).isEqualTo(new DfuResponse.Ack(OpCode.EXECUTE));
                }
            }
        } finally {
            runner[0].interrupt(); // as Ctrl-C: stops socat, saves the flash
        }
        assertThat(exit.get(15, TimeUnit.SECONDS)).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(link).doesNotExist();

        Path app = dir.resolve("app.bin");
        assertThat(DfuCli.run("simulate", "--flash", flash.toString(), "--dump-app", app.toString())).isZero();
        assertThat(Files.readAllBytes(app)).isEqualTo(Fixtures.application(zip));
        assertThat(Files.readString(trace)).contains("Execute[]", "Ack[opCode=EXECUTE(0x04)]", "boot: ");
    }

    @Test
    void the_trace_shows_each_frame_at_its_model_time_and_why_a_frame_was_dropped() throws Exception {
        Path link = dir.resolve("ttyDFU");
        Path trace = dir.resolve("trace.log");
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        runner[0] = new Thread(() -> exit.complete(DfuCli.run("simulate", "--pty", link.toString(), "--baud", "115200",
                "--flash-timing", "NRF52840", "--rx-buffers", "1", "--trace", trace.toString())), "dfu-simulate");
        runner[0].start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Files.exists(link)) {
                assertThat(exit).as("dfu simulate ended early").isNotDone();
                assertThat(System.nanoTime()).as("the pty link appears").isLessThan(deadline);
                LockSupport.parkNanos(20_000_000);
            }
            byte[] dat = Fixtures.images(Fixtures.APP_24K).get(0).dat();
            try (StreamHost host = StreamHost.open(link)) {
                host.request(new DfuRequest.Ping(1));
                host.request(new DfuRequest.SetPrn(0));
                host.request(new DfuRequest.Create(ObjectType.COMMAND, dat.length));
                for (int o = 0; o < dat.length; o += 64) {
                    host.send(new DfuRequest.Write(Arrays.copyOfRange(dat, o, Math.min(dat.length, o + 64))));
                }
                host.send(new DfuRequest.Execute());              // saves the settings: ~190 ms of flash
                host.send(new DfuRequest.Ping(2));                // arrives while the only RX buffer is held
                assertThat(host.next()).isEqualTo(new DfuResponse.Ack(OpCode.EXECUTE));
                assertThat(host.request(new DfuRequest.Ping(3))).isEqualTo(new DfuResponse.Ping(3));
            }
        } finally {
            runner[0].interrupt();
        }
        assertThat(exit.get(15, TimeUnit.SECONDS)).isEqualTo(ExitCodes.INTERRUPTED);
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("IN ", "Ping[id=2]",
                "(dropped: all 1 RX buffers held, the CPU is halted by flash for"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("Ping[id=3]", "dropped"));
        double previous = 0;
        for (String l : lines) {                                 // model time never goes back
            double t = Double.parseDouble(l.trim().split("\\s+")[0]);
            assertThat(t).as(l).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
    }
}
