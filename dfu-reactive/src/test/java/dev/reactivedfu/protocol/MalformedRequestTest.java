package dev.reactivedfu.protocol;

import dev.reactivedfu.error.ProtocolViolationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.stream.Stream;

import static dev.reactivedfu.protocol.RequestEncodingTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The target side (the simulator) refuses malformed requests with a protocol violation, never anything else. */
class MalformedRequestTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty frame", bytes(), "at least one byte"),
                Arguments.of("unknown opcode 0x05", bytes(0x05), "known request opcode (0x00-0x04, 0x06-0x0C), not 0x05"),
                Arguments.of("a response sent as a request", bytes(0x60, 0x09, 0x01, 0x01), "not 0x60"),
                Arguments.of("protocol version with a parameter", bytes(0x00, 0x00), "not 2 bytes (overlong)"),
                Arguments.of("create without size", bytes(0x01, 0x02), "a 6-byte CREATE(0x01) request"),
                Arguments.of("create with 3-byte size", bytes(0x01, 0x02, 0x00, 0x10, 0x00), "not 5 bytes (truncated)"),
                Arguments.of("create with 5-byte size", bytes(0x01, 0x02, 0, 0x10, 0, 0, 0), "not 7 bytes (overlong)"),
                Arguments.of("create of type 3", bytes(0x01, 0x03, 0x00, 0x10, 0x00, 0x00),
                        "object type 0x01 (command) or 0x02 (data) in CREATE(0x01), not 0x03"),
                Arguments.of("set PRN with one byte", bytes(0x02, 0x05), "a 3-byte SET_PRN(0x02) request"),
                Arguments.of("CRC get with a parameter", bytes(0x03, 0x00), "a 1-byte CRC_GET(0x03) request"),
                Arguments.of("execute with a parameter", bytes(0x04, 0x01), "a 1-byte EXECUTE(0x04) request"),
                Arguments.of("select without type", bytes(0x06), "a 2-byte SELECT(0x06) request"),
                Arguments.of("select of type 0", bytes(0x06, 0x00), "in SELECT(0x06), not 0x00"),
                Arguments.of("MTU get with a parameter", bytes(0x07, 0x07), "a 1-byte MTU_GET(0x07) request"),
                Arguments.of("ping without id", bytes(0x09), "a 2-byte PING(0x09) request"),
                Arguments.of("ping with two ids", bytes(0x09, 0x01, 0x02), "not 3 bytes (overlong)"),
                Arguments.of("hardware version with a parameter", bytes(0x0A, 0x00), "a 1-byte HARDWARE_VERSION(0x0A)"),
                Arguments.of("firmware version without image", bytes(0x0B), "a 2-byte FIRMWARE_VERSION(0x0B) request"),
                Arguments.of("abort with a parameter", bytes(0x0C, 0x00), "a 1-byte ABORT(0x0C) request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_request_is_a_protocol_violation_showing_the_bytes(String description, byte[] frame, String expected) {
        Throwable thrown = catchThrowable(() -> DfuCodec.decodeRequest(frame));

        assertThat(thrown).isExactlyInstanceOf(ProtocolViolationException.class);
        assertThat(thrown.getMessage())
                .startsWith("expected ")
                .contains(expected)
                .endsWith("; got [" + HexFormat.ofDelimiter(" ").formatHex(frame) + "]");
    }
}
