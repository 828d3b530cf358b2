package dev.reactivedfu.simulator;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.DfuConnection;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process transport's contract: connections, closing, resets, raw bytes and send pacing. */
class SimulatorTransportTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

    private SimulatorTransport transport(SimulatorConfig config) {
        return new SimulatorTransport("sim", SimulatedDevice.create(config, vts));
    }

    @Test
    void a_closed_connection_refuses_to_send_and_its_inbound_completes() {
        DfuConnection c = transport(SimulatorConfig.defaults()).open().block();
        StepVerifier.create(c.close()).verifyComplete();
        StepVerifier.create(c.inbound()).verifyComplete();
        StepVerifier.create(c.send(new DfuRequest.Ping(1))).verifyError(TransportClosedException.class);
    }

    @Test
    void a_uart_connection_survives_a_device_reset() {
        SimulatorTransport t = transport(SimulatorConfig.defaults());
        DfuConnection c = t.open().block();
        ScriptedHost host = new ScriptedHost(c);
        StepVerifier.create(host.request(new DfuRequest.Ping(1))).expectNext(new DfuResponse.Ping(1)).verifyComplete();
        t.device().reset();
        StepVerifier.create(host.request(new DfuRequest.Ping(2))).expectNext(new DfuResponse.Ping(2)).verifyComplete();
    }

    @Test
    void a_usb_cdc_connection_is_lost_when_the_device_resets() {
        DfuConnection c = transport(SimulatorConfig.builder().profile(SimulatorConfig.Profile.USB_CDC).build())
                .open().block();
        StepVerifier.create(c.send(new DfuRequest.Abort())).verifyComplete();
        StepVerifier.create(c.inbound()).expectError(TransportClosedException.class).verify(Duration.ofSeconds(1));
        StepVerifier.create(c.send(new DfuRequest.Ping(1))).verifyError(TransportClosedException.class);
    }

    @Test
    void opening_a_new_connection_takes_the_line_over_from_the_previous_one() {
        SimulatorTransport t = transport(SimulatorConfig.defaults());
        DfuConnection first = t.open().block();
        DfuConnection second = t.open().block();
        StepVerifier.create(first.inbound()).expectError(TransportClosedException.class).verify(Duration.ofSeconds(1));
        StepVerifier.create(new ScriptedHost(second).request(new DfuRequest.Ping(9)))
                .expectNext(new DfuResponse.Ping(9)).verifyComplete();
    }

    @Test
    void a_killed_host_s_partial_frame_garbles_the_next_connection_s_first_request() {
        SimulatorTransport t = transport(SimulatorConfig.defaults());
        SimulatorTransport.SimulatorConnection killed = (SimulatorTransport.SimulatorConnection) t.open().block();
        StepVerifier.create(killed.sendRaw(Bench.bytes("09"))).verifyComplete(); // one byte of a PING, then killed
        DfuConnection next = t.open().block();
        ScriptedHost host = new ScriptedHost(next);
        StepVerifier.create(host.exchange(new DfuRequest.Ping(0x41)))
                .expectNext((DfuInbound) new DfuResponse.Ping(0x09))             // 09 09 41: answered with id 9
                .verifyComplete();
        StepVerifier.create(host.request(new DfuRequest.Ping(0x42)))
                .expectNext(new DfuResponse.Ping(0x42)).verifyComplete();
    }

    @Test
    void with_a_baud_rate_a_send_completes_when_its_frame_has_left_the_host() {
        DfuConnection c = transport(SimulatorConfig.builder().baud(115_200).build()).open().block();
        // 64 data bytes + opcode + END = 66 bytes (nothing to escape in zeros) x 86 805 ns at 115200 baud
        StepVerifier.withVirtualTime(() -> c.send(new DfuRequest.Write(new byte[64])), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofNanos(66 * 86_805 - 1))
                .thenAwait(Duration.ofNanos(1))
                .verifyComplete();
    }
}
