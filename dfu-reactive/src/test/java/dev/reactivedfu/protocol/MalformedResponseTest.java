package dev.reactivedfu.protocol;

import dev.reactivedfu.error.ProtocolViolationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.reactivedfu.protocol.RequestEncodingTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every malformed response raises {@link ProtocolViolationException} saying what was expected and showing the bytes
 * that arrived; nothing else is thrown (no IndexOutOfBounds) and nothing is decoded (no silent default).
 */
class MalformedResponseTest {

    /** Whole success frame length per opcode, from DESIGN.md's table: 3 header bytes plus the payload. */
    private static final Map<OpCode, Integer> SUCCESS_LENGTH = Map.ofEntries(
            Map.entry(OpCode.PROTOCOL_VERSION, 3 + 1),        // u8 version
            Map.entry(OpCode.CREATE, 3),
            Map.entry(OpCode.SET_PRN, 3),
            Map.entry(OpCode.CRC_GET, 3 + 4 + 4),             // u32 offset, u32 crc
            Map.entry(OpCode.EXECUTE, 3),
            Map.entry(OpCode.SELECT, 3 + 4 + 4 + 4),          // u32 max size, u32 offset, u32 crc
            Map.entry(OpCode.MTU_GET, 3 + 2),                 // u16 mtu
            Map.entry(OpCode.PING, 3 + 1),                    // u8 id
            Map.entry(OpCode.HARDWARE_VERSION, 3 + 5 * 4),    // part, variant, rom, ram, page size
            Map.entry(OpCode.FIRMWARE_VERSION, 3 + 1 + 3 * 4),// u8 type, u32 version, addr, len
            Map.entry(OpCode.ABORT, 3));

    static Stream<Arguments> malformed() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("empty frame", bytes(), "at least 3 bytes"));
        cases.add(Arguments.of("one byte", bytes(0x60), "at least 3 bytes"));
        cases.add(Arguments.of("two bytes", bytes(0x60, 0x09), "at least 3 bytes"));
        cases.add(Arguments.of("a request echoed back", bytes(0x09, 0x01, 0x01), "starting with 0x60, not 0x09"));
        cases.add(Arguments.of("SLIP END leaked into the frame", bytes(0xC0, 0x60, 0x09, 0x01, 0x01),
                "starting with 0x60, not 0xC0"));
        for (int op : new int[] {0x05, 0x0D, 0x60, 0xFF}) {
            cases.add(Arguments.of(String.format("unknown opcode 0x%02X", op), bytes(0x60, op, 0x01),
                    String.format("known opcode (0x00-0x04, 0x06-0x0C), not 0x%02X", op)));
        }
        for (int result : new int[] {0x06, 0x09, 0x0C, 0xFF}) {
            cases.add(Arguments.of(String.format("unknown result 0x%02X", result), bytes(0x60, 0x04, result),
                    String.format("known result code in the response to EXECUTE(0x04), not 0x%02X", result)));
        }
        for (int ext : new int[] {0x0E, 0x80, 0xFF}) {
            cases.add(Arguments.of(String.format("unknown extended code 0x%02X", ext), bytes(0x60, 0x04, 0x0B, ext),
                    String.format("known extended error code (0x00-0x0D) in the response to EXECUTE(0x04), not 0x%02X",
                            ext)));
        }
        for (OpCode op : OpCode.values()) {
            if (op == OpCode.WRITE) {
                cases.add(Arguments.of("success answer to WRITE", bytes(0x60, 0x08, 0x01),
                        "no success response to WRITE(0x08)"));
                continue;
            }
            int length = SUCCESS_LENGTH.get(op);
            for (int n = 3; n < length; n++) {
                cases.add(Arguments.of(op + " truncated to " + n + " bytes", success(op, n),
                        String.format("a %d-byte %s response (", length, op)));
                cases.add(Arguments.of(op + " truncated to " + n + " bytes (says so)", success(op, n),
                        "not " + n + " bytes (truncated)"));
            }
            for (int n : new int[] {length + 1, length + 4, 300}) {
                cases.add(Arguments.of(op + " overlong, " + n + " bytes", success(op, n),
                        String.format("a %d-byte %s response (", length, op)));
                cases.add(Arguments.of(op + " overlong, " + n + " bytes (says so)", success(op, n),
                        "not " + n + " bytes (overlong)"));
            }
            cases.add(Arguments.of(op + " error with a payload", bytes(0x60, op.code(), 0x03, 0x00),
                    "a 3-byte " + op + " error response (60 op result), not 4 bytes (overlong)"));
            cases.add(Arguments.of(op + " extended error without its code", bytes(0x60, op.code(), 0x0B),
                    "a 4-byte " + op + " extended error response (60 op 0B ext), not 3 bytes (truncated)"));
            cases.add(Arguments.of(op + " extended error with two codes", bytes(0x60, op.code(), 0x0B, 0x0C, 0x0C),
                    "a 4-byte " + op + " extended error response (60 op 0B ext), not 5 bytes (overlong)"));
        }
        return cases.stream();
    }

    /** A success response to {@code op} of {@code length} bytes in all (payload bytes 0xAA). */
    private static byte[] success(OpCode op, int length) {
        byte[] frame = new byte[length];
        Arrays.fill(frame, (byte) 0xAA);
        frame[0] = 0x60;
        frame[1] = (byte) op.code();
        frame[2] = 0x01;
        return frame;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_response_is_a_protocol_violation_naming_what_was_expected_and_what_arrived(
            String description, byte[] frame, String expected) {
        Throwable thrown = catchThrowable(() -> DfuCodec.decodeResponse(frame));

        assertThat(thrown).isExactlyInstanceOf(ProtocolViolationException.class);
        assertThat(thrown.getMessage())
                .startsWith("expected ")
                .contains(expected)
                .endsWith("; got [" + HexFormat.ofDelimiter(" ").formatHex(frame) + "]");
        assertThat(((ProtocolViolationException) thrown).frame()).containsExactly(frame);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_response_reaches_the_engine_as_a_malformed_frame_and_nothing_else(
            String description, byte[] frame, String expected) {
        DfuInbound inbound = DfuCodec.decodeInbound(frame);

        assertThat(inbound).isInstanceOf(DfuInbound.Malformed.class);
        DfuInbound.Malformed malformed = (DfuInbound.Malformed) inbound;
        assertThat(malformed.frame()).containsExactly(frame);
        assertThat(malformed.reason()).contains(expected);
    }
}
