package dev.reactivedfu.protocol;

import dev.reactivedfu.error.ProtocolViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Optional;
import java.util.stream.Stream;

import static dev.reactivedfu.protocol.RequestEncodingTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every response of DESIGN.md's table decodes on the host, and the target encodes the value to the same bytes. */
class ResponseDecodingTest {

    static Stream<Arguments> responses() {
        return Stream.of(
                Arguments.of(bytes(
                        0x60, 0x00, 0x01,                         // response, protocol version, success
                        0x01),                                    // u8 version 1 (SDK 15-17)
                        new DfuResponse.ProtocolVersion(1)),
                Arguments.of(bytes(
                        0x60, 0x01, 0x01),                        // response, create, success; no payload
                        new DfuResponse.Ack(OpCode.CREATE)),
                Arguments.of(bytes(
                        0x60, 0x02, 0x01),                        // response, set PRN, success
                        new DfuResponse.Ack(OpCode.SET_PRN)),
                Arguments.of(bytes(
                        0x60, 0x03, 0x01,                         // response, CRC get, success
                        0x40, 0x01, 0x00, 0x00,                   // u32 offset 320
                        0x78, 0x56, 0x34, 0x12),                  // u32 crc 0x12345678
                        new DfuResponse.Crc(320, 0x12345678L)),
                Arguments.of(bytes(
                        0x60, 0x03, 0x01,                         // response, CRC get, success
                        0x00, 0x10, 0x00, 0x00,                   // u32 offset 4096
                        0xFF, 0xFF, 0xFF, 0xFF),                  // u32 crc 0xFFFFFFFF: stays positive
                        new DfuResponse.Crc(4096, 0xFFFF_FFFFL)),
                Arguments.of(bytes(
                        0x60, 0x04, 0x01),                        // response, execute, success
                        new DfuResponse.Ack(OpCode.EXECUTE)),
                Arguments.of(bytes(
                        0x60, 0x06, 0x01,                         // response, select, success
                        0x00, 0x10, 0x00, 0x00,                   // u32 max size 4096
                        0x00, 0x20, 0x00, 0x00,                   // u32 offset 8192
                        0xEF, 0xBE, 0xAD, 0xDE),                  // u32 crc 0xDEADBEEF
                        new DfuResponse.Select(4096, 8192, 0xDEADBEEFL)),
                Arguments.of(bytes(
                        0x60, 0x07, 0x01,                         // response, MTU get, success
                        0x83, 0x00),                              // u16 mtu 131 (UART)
                        new DfuResponse.Mtu(131)),
                Arguments.of(bytes(
                        0x60, 0x07, 0x01,                         // response, MTU get, success
                        0x03, 0x08),                              // u16 mtu 2051 (USB CDC)
                        new DfuResponse.Mtu(2051)),
                Arguments.of(bytes(
                        0x60, 0x09, 0x01,                         // response, ping, success
                        0xA5),                                    // u8 id echoed
                        new DfuResponse.Ping(0xA5)),
                Arguments.of(bytes(
                        0x60, 0x0A, 0x01,                         // response, hardware version, success
                        0x40, 0x28, 0x05, 0x00,                   // u32 part 0x52840
                        0x41, 0x41, 0x44, 0x30,                   // u32 variant "AAD0" as a word
                        0x00, 0x00, 0x10, 0x00,                   // u32 rom size 1 MiB
                        0x00, 0x00, 0x04, 0x00,                   // u32 ram size 256 KiB
                        0x00, 0x10, 0x00, 0x00),                  // u32 rom page size 4096
                        new DfuResponse.HardwareVersion(0x52840, 0x30444141L, 0x100000, 0x40000, 4096)),
                Arguments.of(bytes(
                        0x60, 0x0B, 0x01,                         // response, firmware version, success
                        0x01,                                     // u8 type 1: application
                        0x03, 0x00, 0x00, 0x00,                   // u32 version 3
                        0x00, 0x70, 0x02, 0x00,                   // u32 addr 0x27000
                        0x00, 0x60, 0x00, 0x00),                  // u32 len 24576
                        new DfuResponse.FirmwareVersion(1, 3, 0x27000, 24576)),
                Arguments.of(bytes(
                        0x60, 0x0B, 0x01,                         // response, firmware version, success
                        0xFF,                                     // u8 type 0xFF: no image
                        0x00, 0x00, 0x00, 0x00,                   // u32 version
                        0x00, 0x00, 0x00, 0x00,                   // u32 addr
                        0x00, 0x00, 0x00, 0x00),                  // u32 len
                        new DfuResponse.FirmwareVersion(DfuResponse.FirmwareVersion.TYPE_NONE, 0, 0, 0)),
                Arguments.of(bytes(
                        0x60, 0x0C, 0x01),                        // response, abort, success (rarely seen)
                        new DfuResponse.Ack(OpCode.ABORT)),
                Arguments.of(bytes(
                        0x60, 0x04, 0x08),                        // response, execute, operation not permitted
                        new DfuResponse.Error(OpCode.EXECUTE, ResultCode.OPERATION_NOT_PERMITTED)),
                Arguments.of(bytes(
                        0x60, 0x08, 0x05),                        // response, write, invalid object
                        new DfuResponse.Error(OpCode.WRITE, ResultCode.INVALID_OBJECT)),
                Arguments.of(bytes(
                        0x60, 0x0A, 0x02),                        // response, hardware version, not supported
                        new DfuResponse.Error(OpCode.HARDWARE_VERSION, ResultCode.OP_CODE_NOT_SUPPORTED)),
                Arguments.of(bytes(
                        0x60, 0x04, 0x0B,                         // response, execute, extended error
                        0x08),                                    // ext: signature missing
                        new DfuResponse.Error(OpCode.EXECUTE, ExtendedError.SIGNATURE_MISSING)),
                Arguments.of(bytes(
                        0x60, 0x04, 0x0B,                         // response, execute, extended error
                        0x0C),                                    // ext: verification failed
                        new DfuResponse.Error(OpCode.EXECUTE, ExtendedError.VERIFICATION_FAILED)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("responses")
    void response_bytes_decode_to_the_value(byte[] wire, DfuResponse expected) {
        assertThat(DfuCodec.decodeResponse(wire)).isEqualTo(expected);
        assertThat(DfuCodec.decodeInbound(wire)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("responses")
    void target_encodes_the_value_to_the_same_bytes(byte[] wire, DfuResponse response) {
        assertThat(DfuCodec.encodeResponse(response)).containsExactly(wire);
    }

    @ParameterizedTest
    @EnumSource(ResultCode.class)
    void every_error_result_round_trips_for_every_opcode(ResultCode result) {
        if (result == ResultCode.SUCCESS) {
            return;
        }
        for (OpCode op : OpCode.values()) {
            if (result == ResultCode.EXTENDED_ERROR) {
                for (ExtendedError ext : ExtendedError.values()) {
                    DfuResponse.Error error = new DfuResponse.Error(op, ext);
                    byte[] wire = DfuCodec.encodeResponse(error);
                    assertThat(wire).containsExactly(0x60, op.code(), 0x0B, ext.code());
                    assertThat(DfuCodec.decodeResponse(wire)).isEqualTo(error);
                }
            } else {
                DfuResponse.Error error = new DfuResponse.Error(op, result);
                byte[] wire = DfuCodec.encodeResponse(error);
                assertThat(wire).containsExactly(0x60, op.code(), result.code());
                assertThat(DfuCodec.decodeResponse(wire)).isEqualTo(error);
            }
        }
    }

    @Test
    void the_answer_to_the_request_sent_is_accepted_and_an_answer_to_another_opcode_is_a_violation() {
        byte[] crc = bytes(0x60, 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0);   // a CRC answer (or a PRN notification)

        assertThat(DfuCodec.decodeResponseTo(OpCode.CRC_GET, crc)).isEqualTo(new DfuResponse.Crc(0, 0));
        assertThatThrownBy(() -> DfuCodec.decodeResponseTo(OpCode.SELECT, crc))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("expected a response to SELECT(0x06), not to CRC_GET(0x03)")
                .hasMessageContaining("[60 03 01 00 00 00 00 00 00 00 00]");
    }

    @Test
    void an_error_answer_to_the_request_sent_is_returned_as_an_error_value_not_thrown() {
        byte[] wire = bytes(0x60, 0x01, 0x04);                          // create, insufficient resources

        assertThat(DfuCodec.decodeResponseTo(OpCode.CREATE, wire))
                .isEqualTo(new DfuResponse.Error(OpCode.CREATE, ResultCode.INSUFFICIENT_RESOURCES));
    }

    @Test
    void error_values_keep_the_extended_code_with_result_0x0B_and_only_there() {
        assertThatThrownBy(() -> new DfuResponse.Error(OpCode.EXECUTE, ResultCode.SUCCESS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuResponse.Error(OpCode.EXECUTE, ResultCode.EXTENDED_ERROR, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuResponse.Error(OpCode.EXECUTE, ResultCode.INVALID_OBJECT,
                Optional.of(ExtendedError.HASH_FAILED))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DfuResponse.Ack(OpCode.SELECT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wire_enums_look_up_every_code_they_declare_and_nothing_else() {
        for (OpCode op : OpCode.values()) {
            assertThat(OpCode.fromCode(op.code())).isSameAs(op);
        }
        for (ResultCode r : ResultCode.values()) {
            assertThat(ResultCode.fromCode(r.code())).isSameAs(r);
        }
        for (ExtendedError e : ExtendedError.values()) {
            assertThat(ExtendedError.fromCode(e.code())).isSameAs(e);
        }
        int known = 0;
        for (int code = -1; code <= 0x100; code++) {
            if (OpCode.fromCode(code) != null) {
                known++;
            }
        }
        assertThat(known).isEqualTo(12);
        assertThat(OpCode.fromCode(0x05)).isNull();
        assertThat(OpCode.fromCode(0x60)).isNull();
        assertThat(ResultCode.fromCode(0x06)).isNull();
        assertThat(ResultCode.fromCode(0x09)).isNull();
        assertThat(ExtendedError.fromCode(0x0E)).isNull();
        assertThat(ObjectType.fromCode(0x00)).isNull();
        assertThat(ObjectType.fromCode(0x03)).isNull();
    }
}
