package dev.reactivedfu.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every request encodes to the bytes of DESIGN.md's table, and the target decodes those bytes back to the value. */
class RequestEncodingTest {

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of(new DfuRequest.ProtocolVersion(), bytes(
                        0x00)),                                   // op: protocol version
                Arguments.of(new DfuRequest.Create(ObjectType.COMMAND, 141), bytes(
                        0x01,                                     // op: create object
                        0x01,                                     // u8 type: command
                        0x8D, 0x00, 0x00, 0x00)),                 // u32 size 141, little-endian
                Arguments.of(new DfuRequest.Create(ObjectType.DATA, 4096), bytes(
                        0x01,                                     // op: create object
                        0x02,                                     // u8 type: data
                        0x00, 0x10, 0x00, 0x00)),                 // u32 size 4096
                Arguments.of(new DfuRequest.Create(ObjectType.DATA, 0xFFFF_FFFFL), bytes(
                        0x01,                                     // op: create object
                        0x02,                                     // u8 type: data
                        0xFF, 0xFF, 0xFF, 0xFF)),                 // u32 size at its maximum: no sign trouble
                Arguments.of(new DfuRequest.SetPrn(0), bytes(
                        0x02,                                     // op: set PRN
                        0x00, 0x00)),                             // u16 n = 0: notifications off
                Arguments.of(new DfuRequest.SetPrn(0x1234), bytes(
                        0x02,                                     // op: set PRN
                        0x34, 0x12)),                             // u16 n = 0x1234, little-endian
                Arguments.of(new DfuRequest.CrcGet(), bytes(
                        0x03)),                                   // op: CRC get
                Arguments.of(new DfuRequest.Execute(), bytes(
                        0x04)),                                   // op: execute
                Arguments.of(new DfuRequest.Select(ObjectType.COMMAND), bytes(
                        0x06,                                     // op: select
                        0x01)),                                   // u8 type: command
                Arguments.of(new DfuRequest.Select(ObjectType.DATA), bytes(
                        0x06,                                     // op: select
                        0x02)),                                   // u8 type: data
                Arguments.of(new DfuRequest.MtuGet(), bytes(
                        0x07)),                                   // op: MTU get
                Arguments.of(new DfuRequest.Write(bytes(0xC0, 0xDB, 0x00, 0xFF)), bytes(
                        0x08,                                     // op: write
                        0xC0, 0xDB, 0x00, 0xFF)),                 // data, raw (SLIP escaping is the transport's)
                Arguments.of(new DfuRequest.Ping(0xA5), bytes(
                        0x09,                                     // op: ping
                        0xA5)),                                   // u8 id
                Arguments.of(new DfuRequest.HardwareVersion(), bytes(
                        0x0A)),                                   // op: hardware version
                Arguments.of(new DfuRequest.FirmwareVersion(0), bytes(
                        0x0B,                                     // op: firmware version
                        0x00)),                                   // u8 image 0: the bootloader
                Arguments.of(new DfuRequest.FirmwareVersion(2), bytes(
                        0x0B,                                     // op: firmware version
                        0x02)),                                   // u8 image 2
                Arguments.of(new DfuRequest.Abort(), bytes(
                        0x0C)));                                  // op: abort
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void request_encodes_to_the_bytes_of_the_protocol_table(DfuRequest request, byte[] wire) {
        assertThat(DfuCodec.encodeRequest(request)).containsExactly(wire);
        assertThat(request.encodedLength()).isEqualTo(wire.length);
        assertThat(wire[0] & 0xFF).isEqualTo(request.opCode().code());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void target_decodes_the_wire_bytes_back_to_the_same_request(DfuRequest request, byte[] wire) {
        assertThat(DfuCodec.decodeRequest(wire)).isEqualTo(request);
    }

    @Test
    void a_full_write_at_the_uart_mtu_carries_64_data_bytes_after_the_opcode() {
        byte[] data = new byte[Mtu.maxWritePayload(Mtu.UART)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] wire = DfuCodec.encodeRequest(new DfuRequest.Write(data));

        assertThat(wire).hasSize(65);
        assertThat(wire[0]).isEqualTo((byte) 0x08);
        assertThat(wire).endsWith(data);
    }

    @Test
    void a_write_keeps_its_bytes_when_the_callers_array_changes_afterwards() {
        byte[] data = bytes(1, 2, 3);
        DfuRequest.Write write = new DfuRequest.Write(data);
        data[0] = 9;
        write.data()[1] = 9;

        assertThat(DfuCodec.encodeRequest(write)).containsExactly(0x08, 1, 2, 3);
    }

    @Test
    void request_values_refuse_parameters_that_do_not_fit_their_wire_fields() {
        assertThatThrownBy(() -> new DfuRequest.Create(ObjectType.DATA, 0x1_0000_0000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u32");
        assertThatThrownBy(() -> new DfuRequest.Create(ObjectType.DATA, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuRequest.SetPrn(0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuRequest.Ping(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuRequest.FirmwareVersion(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuRequest.Select(null)).isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
