package dev.reactivedfu.error;

import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;

import java.util.Optional;

/** The device answered a request with an error result; carries the response it sent. */
public final class RemoteErrorException extends DfuException {

    private final DfuResponse.Error response;

    public RemoteErrorException(DfuResponse.Error response) {
        super(describe(response), null);
        this.response = response;
    }

    /** The error response as the device sent it. */
    public DfuResponse.Error response() {
        return response;
    }

    public OpCode opCode() {
        return response.opCode();
    }

    public ResultCode result() {
        return response.result();
    }

    public Optional<ExtendedError> extended() {
        return response.extended();
    }

    @Override
    public String advice() {
        if (response.extended().isPresent()) {
            return switch (response.extended().get()) {
                case SIGNATURE_MISSING -> "sign the package with the key the bootloader was built with";
                case HW_VERSION_FAILURE -> "build the package for this board's hw_version (and not in debug mode for a release bootloader)";
                case SD_VERSION_FAILURE -> "add the installed SoftDevice's id to the package's sd_req, or update the SoftDevice first";
                case FW_VERSION_FAILURE -> "raise the package's fw_version above the installed one";
                case VERIFICATION_FAILED, HASH_FAILED -> "rebuild the package: the firmware does not match its init packet";
                case INSUFFICIENT_SPACE -> "the image does not fit in the free flash: shrink it or update in two steps";
                case WRONG_HASH_TYPE, WRONG_SIGNATURE_TYPE, INIT_COMMAND_INVALID, WRONG_COMMAND_FORMAT,
                     UNKNOWN_COMMAND -> "rebuild the package with nrfutil for this bootloader's SDK version";
                case NO_ERROR, INVALID_ERROR_CODE -> "retry; if it persists, reset the board";
            };
        }
        return switch (response.result()) {
            case INVALID_OBJECT -> response.opCode() == OpCode.EXECUTE
                    ? "the init packet was refused (bad signature or unparsable): check the package and the key"
                    : "run the update again: the device lost its current object";
            case INSUFFICIENT_RESOURCES -> "the image is too large for this device's free flash";
            case OP_CODE_NOT_SUPPORTED -> "the bootloader does not support this request";
            default -> "run the update again; if it persists, reset the board into DFU mode";
        };
    }

    private static String describe(DfuResponse.Error e) {
        StringBuilder sb = new StringBuilder("device answered ")
                .append(e.opCode()).append(" with ").append(e.result());
        e.extended().ifPresent(x -> sb.append(": ").append(x));
        return sb.toString();
    }
}
