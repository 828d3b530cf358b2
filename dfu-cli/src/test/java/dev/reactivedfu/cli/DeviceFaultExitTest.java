package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.cli.render.EventRenderer;
import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DeviceClaimException;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.error.WrongBoardException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.TestPackages;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the device claims is the device's fault: {@code dfu flash}'s runner against a scripted bootloader gives exit 4
 * and a message about the device; and the one exit-code mapping, audited type by type.
 */
class DeviceFaultExitTest {

    /** A bootloader that answers like SDK 17.1 except for a SELECT maximum set by the test. */
    static final class ScriptedDevice implements DfuTransport {
        final long commandMax;
        final long dataMax;
        final List<DfuRequest> received = new ArrayList<>();

        ScriptedDevice(long commandMax, long dataMax) {
            this.commandMax = commandMax;
            this.dataMax = dataMax;
        }

        @Override
        public String name() {
            return "/dev/ttyTEST";
        }

        @Override
        public Mono<DfuConnection> open() {
            return Mono.fromSupplier(() -> {
                Sinks.Many<DfuInbound> in = Sinks.many().unicast().onBackpressureBuffer();
                return new DfuConnection() {
                    @Override
                    public Mono<Void> send(DfuRequest r) {
                        return Mono.fromRunnable(() -> {
                            received.add(r);
                            DfuResponse answer = answer(r);
                            if (answer != null) {
                                in.tryEmitNext(answer);
                            }
                        });
                    }

                    @Override
                    public Flux<DfuInbound> inbound() {
                        return in.asFlux();
                    }

                    @Override
                    public Mono<Void> close() {
                        return Mono.fromRunnable(in::tryEmitComplete);
                    }
                };
            });
        }

        private DfuResponse answer(DfuRequest r) {
            if (r instanceof DfuRequest.Ping p) {
                return new DfuResponse.Ping(p.id());
            }
            if (r instanceof DfuRequest.MtuGet) {
                return new DfuResponse.Mtu(131);
            }
            if (r instanceof DfuRequest.Select s) {
                return new DfuResponse.Select(s.type() == ObjectType.COMMAND ? commandMax : dataMax, 0, 0);
            }
            if (r instanceof DfuRequest.SetPrn) {
                return new DfuResponse.Ack(OpCode.SET_PRN);
            }
            return new DfuResponse.Error(r.opCode(), ResultCode.OP_CODE_NOT_SUPPORTED);
        }
    }

    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");

    private int flash(DfuTransport device, StringWriter err) {
        StringWriter out = new StringWriter();
        EventRenderer renderer = EventRenderer.choose(false, false, new PrintWriter(out, true));
        return new UpdateRunner(DfuClient.create()).run(device, app24k, DfuOptions.defaults(), renderer,
                new PrintWriter(err, true), "dfu flash ...");
    }

    @Test
    void a_device_whose_select_answers_an_absurd_command_maximum_gets_exit_4_and_a_message_about_the_device() {
        ScriptedDevice device = new ScriptedDevice(0, 4096);
        StringWriter err = new StringWriter();

        int exit = flash(device, err);

        assertThat(exit).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(err.toString()).startsWith("error: device on /dev/ttyTEST claims its command object takes at most "
                        + "0 bytes (SELECT answer), but the init packet has 143 bytes")
                .contains("the package is fine").doesNotContain("rebuild");
        // asked once, not retried
        assertThat(device.received).filteredOn(r -> r.opCode() == OpCode.SELECT).hasSize(1);
    }

    @Test
    void a_device_whose_select_answers_a_data_maximum_of_zero_gets_exit_4() {
        StringWriter err = new StringWriter();

        int exit = flash(new ScriptedDevice(512, 0), err);

        assertThat(exit).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(err.toString()).contains("claims a data object maximum of 0 bytes");
    }

    @Test
    void every_failure_type_maps_to_the_exit_code_its_help_line_promises() {
        CrcMismatchException crc = new CrcMismatchException(4096, 1, 2);
        assertThat(ExitCodes.of(new PackageException("a.zip", PackageException.Fault.HASH_MISMATCH, "bad")))
                .isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(ExitCodes.of(new RemoteErrorException(new DfuResponse.Error(OpCode.CREATE,
                ResultCode.INSUFFICIENT_RESOURCES)))).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(ExitCodes.of(new DeviceClaimException("p", DeviceClaimException.Claim.MTU, 3, "an MTU of 3")))
                .isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(ExitCodes.of(new WrongBoardException("p", WrongBoardException.Mismatch.HARDWARE, "a", "b")))
                .isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(ExitCodes.of(new ProtocolViolationException("a ping answer", null)))
                .isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(ExitCodes.of(new RetriesExhaustedException("object 3", 4, crc))).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(ExitCodes.of(new TransportClosedException("p", "gone", null))).isEqualTo(ExitCodes.PORT_ERROR);
        assertThat(ExitCodes.of(new RetriesExhaustedException("image", 5, new TransportClosedException("p", "gone",
                null)))).isEqualTo(ExitCodes.PORT_ERROR);
        assertThat(ExitCodes.of(new DfuTimeoutException(OpCode.EXECUTE, Duration.ofSeconds(10))))
                .isEqualTo(ExitCodes.TIMEOUT);
        assertThat(ExitCodes.of(new DeviceUnresponsiveException("p", "150 s without verified progress", null)))
                .isEqualTo(ExitCodes.TIMEOUT);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(ExitCodes.INTERNAL);
        // only a package error claims that nothing was sent, and only the package reader (before any connection)
        // and the engine's check of empty images (before the first request) throw one
        assertThat(String.format(ExitCodes.HELP)).contains("3    invalid package or key (refused before anything "
                + "was sent to the device)");
    }
}
