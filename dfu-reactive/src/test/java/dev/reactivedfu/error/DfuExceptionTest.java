package dev.reactivedfu.error;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Errors say what happened in words an operator can act on, and whether trying again can help. */
class DfuExceptionTest {

    @Test
    void a_remote_extended_error_names_the_opcode_the_result_and_the_extended_meaning() {
        DfuResponse.Error response = (DfuResponse.Error) DfuCodec.decodeResponse(new byte[] {
                0x60,        // response
                0x04,        // to execute
                0x0B,        // extended error
                0x06});      // hardware version failure
        RemoteErrorException e = new RemoteErrorException(response);

        assertThat(e.getMessage()).isEqualTo("device answered EXECUTE(0x04) with 0x0B extended error: "
                + "0x06 hardware version failure: the package's hw_version does not match this board "
                + "(or a debug package on a release bootloader)");
        assertThat(e.extended()).contains(ExtendedError.HW_VERSION_FAILURE);
        assertThat(e.advice()).contains("hw_version");
    }

    @ParameterizedTest
    @EnumSource(ExtendedError.class)
    void every_extended_error_has_advice(ExtendedError ext) {
        RemoteErrorException e = new RemoteErrorException(new DfuResponse.Error(OpCode.EXECUTE, ext));

        assertThat(e.advice()).isNotBlank();
        assertThat(e.getMessage()).contains(ext.meaning());
    }

    @ParameterizedTest
    @EnumSource(ResultCode.class)
    void every_result_is_named_with_its_opcode(ResultCode result) {
        if (result == ResultCode.SUCCESS || result == ResultCode.EXTENDED_ERROR) {
            return;
        }
        RemoteErrorException e = new RemoteErrorException(new DfuResponse.Error(OpCode.CREATE, result));

        assertThat(e.getMessage()).contains("CREATE(0x01)").contains(result.meaning());
    }

    @Test
    void an_invalid_object_on_execute_points_at_the_package_and_key() {
        RemoteErrorException e = new RemoteErrorException(
                new DfuResponse.Error(OpCode.EXECUTE, ResultCode.INVALID_OBJECT));

        assertThat(e.advice()).contains("init packet was refused");
    }

    @Test
    void a_protocol_violation_shows_the_bytes_as_hex_and_keeps_a_copy() {
        byte[] frame = {0x60, 0x09};
        ProtocolViolationException e = new ProtocolViolationException("expected a ping answer", frame);
        frame[0] = 0;

        assertThat(e.getMessage()).isEqualTo("expected a ping answer; got [60 09]");
        assertThat(e.frame()).containsExactly(0x60, 0x09);
        assertThat(new ProtocolViolationException("expected an answer", null).getMessage())
                .isEqualTo("expected an answer; got nothing");
    }

    @Test
    void a_crc_mismatch_shows_both_crcs_in_hex() {
        assertThat(new CrcMismatchException(8192, 0xDEADBEEFL, 0x0BADF00DL).getMessage())
                .isEqualTo("CRC mismatch at offset 8192: expected 0xDEADBEEF, device has 0x0BADF00D");
    }

    @Test
    void a_package_error_names_the_file_and_carries_its_fault() {
        PackageException e = new PackageException("fw.zip", PackageException.Fault.SIGNATURE_INVALID, "bad signature");

        assertThat(e.getMessage()).isEqualTo("fw.zip: bad signature");
        assertThat(e.file()).isEqualTo("fw.zip");
        assertThat(e.fault()).isEqualTo(PackageException.Fault.SIGNATURE_INVALID);
        assertThat(e.advice()).contains("key");
    }

    @Test
    void retries_exhausted_gives_the_advice_of_its_last_failure() {
        CrcMismatchException last = new CrcMismatchException(0, 1, 2);

        assertThat(new RetriesExhaustedException("object 3", 5, last).advice()).isEqualTo(last.advice());
    }
}
