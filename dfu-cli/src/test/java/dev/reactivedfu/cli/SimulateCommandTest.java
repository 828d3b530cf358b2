package dev.reactivedfu.cli;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu simulate}: options, help, and dumping flash files (no pseudo-terminal needed). */
class SimulateCommandTest {

    @TempDir
    Path dir;



    @Test
    void help_lists_every_option_of_the_simulator() {
        CliRun run = CliRun.dfu("simulate", "--help");
        assertThat(run.exit()).isZero();
        for (String option : List.of("--pty", "--flash", "--dump-app", "--dump-bank1", "--trace", "--profile",
                "--hw-version", "--sd-id", "--app-start", "--public-key", "--progress-in-flash", "--baud",
                "--flash-timing", "--rx-buffers", "--latency-ms", "--reset-at-offset", "--drop-rate", "--corrupt-rate",
                "--stall-ms", "--stall-at-offset", "--stale-progress", "--seed", "--inactivity-s", "--stay-in-dfu")) {
            assertThat(run.out()).contains(option);
        }
    }

    @Test
    void options_become_the_simulator_configuration() {
        SimulateCommand cmd = new SimulateCommand();
        new CommandLine(cmd).parseArgs("--pty", "x", "--profile", "USB_CDC", "--sd-id", "0x0100", "--app-start",
                "0x26000", "--baud", "115200", "--flash-timing", "NRF52840", "--rx-buffers", "2", "--latency-ms", "4",
                "--reset-at-offset", "8192", "--drop-rate", "0.01", "--corrupt-rate", "0.02", "--stall-ms", "500",
                "--stall-at-offset", "0x1000", "--stale-progress", "--seed", "9", "--progress-in-flash",
                "--inactivity-s", "30", "--stay-in-dfu", "--flow-control");
        SimulatorConfig c = cmd.config();
        assertThat(c.mtu()).isEqualTo(2051);
        assertThat(c.softDeviceId()).isEqualTo(0x100);
        assertThat(c.applicationStart()).isEqualTo(0x26000);
        assertThat(c.baud()).isEqualTo(115_200);
        assertThat(c.flashTiming()).isEqualTo(SimulatorConfig.FlashTiming.NRF52840);
        assertThat(c.rxBuffers()).isEqualTo(2);
        assertThat(c.latency()).isEqualTo(Duration.ofMillis(4));
        assertThat(c.inactivityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.progressInFlash()).isTrue();
        assertThat(c.stayInDfu()).isTrue();
        assertThat(c.flowControl()).isTrue();
        assertThat(c.seed()).isEqualTo(9);
        assertThat(c.faults()).containsExactlyInAnyOrder(new Fault.ResetAtOffset(8192), new Fault.DropBytes(0.01),
                new Fault.CorruptBytes(0.02), new Fault.Stall(Duration.ofMillis(500), 0x1000),
                new Fault.StaleProgress());
    }

    @Test
    void without_a_pty_or_a_dump_it_is_a_usage_error() {
        assertThat(CliRun.dfu("simulate").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.dfu("simulate", "--dump-app", dir.resolve("x").toString()).exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.dfu("simulate", "--flash", dir.resolve("missing").toString(), "--dump-app",
                dir.resolve("x").toString()).exit()).isEqualTo(ExitCodes.USAGE);
    }

    /** Drives an in-process device with the stream host; returns the device's flash image afterwards. */
    private static byte[] flashAfter(java.util.function.Consumer<StreamHost> script) throws IOException {
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.defaults());
        java.util.concurrent.LinkedBlockingQueue<Byte> bytes = new java.util.concurrent.LinkedBlockingQueue<>();
        device.attachHost(frame -> {
            for (byte b : frame) {
                bytes.add(b);
            }
        });
        java.io.InputStream fromDevice = new java.io.InputStream() {
            @Override
            public int available() {
                return bytes.size();
            }

            @Override
            public int read() {
                Byte b = bytes.poll();
                return b == null ? -1 : b & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len && !bytes.isEmpty()) {
                    b[off + n++] = bytes.poll();
                }
                return n;
            }
        };
        OutputStream toDevice = new OutputStream() {
            @Override
            public void write(int b) {
                device.hostWrite(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                device.hostWrite(Arrays.copyOfRange(b, off, off + len));
            }
        };
        try (StreamHost host = new StreamHost(fromDevice, toDevice)) {
            script.accept(host);
        }
        byte[] image = device.flashImage();
        device.dispose();
        return image;
    }

    @Test
    void dump_app_writes_the_activated_application_of_a_flash_file() throws IOException {
        Fixtures.Image image = Fixtures.images("app_24k.zip").get(0);
        Path flash = dir.resolve("board.bin");
        Files.write(flash, flashAfter(host -> assertThat(host.update(image.dat(), image.bin(), 0))
                .isEqualTo(new DfuResponse.Ack(OpCode.EXECUTE))));
        Path out = dir.resolve("app.bin");
        CliRun run = CliRun.dfu("simulate", "--flash", flash.toString(), "--dump-app", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(image.bin());
    }

    @Test
    void dump_bank1_writes_what_was_received_so_far() throws IOException {
        Fixtures.Image image = Fixtures.images("app_200k.zip").get(0);
        Path flash = dir.resolve("board.bin");
        Files.write(flash, flashAfter(host -> host.partial(image.dat(), image.bin(), 2)));
        Path out = dir.resolve("bank1.bin");
        CliRun run = CliRun.dfu("simulate", "--flash", flash.toString(), "--progress-in-flash", "--dump-bank1", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        // progress in RAM: the init packet's save put 0 in flash, so a restored board has received nothing yet
        assertThat(Files.readAllBytes(out)).isEmpty();
    }

    @Test
    void dump_app_of_a_board_without_an_application_fails_with_a_device_error() throws IOException {
        Path flash = dir.resolve("board.bin");
        Files.write(flash, flashAfter(host -> { }));
        CliRun run = CliRun.dfu("simulate", "--flash", flash.toString(), "--dump-app", dir.resolve("app.bin").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(run.err()).contains("no valid application");
        assertThat(dir.resolve("app.bin")).doesNotExist();
    }
}
