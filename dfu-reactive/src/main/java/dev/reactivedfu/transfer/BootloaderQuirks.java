package dev.reactivedfu.transfer;

import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;

/**
 * What the nRF5 SDK 15–17 secure serial bootloader does that a master must live with, in one place
 * (DESIGN.md, "Device behaviour a master must live with"; observed on SDK 17.1 code). The engine's other classes
 * refer here instead of hard-coding a quirk.
 *
 * <ul>
 *   <li><b>Empty frames re-execute the previous request.</b> The engine never sends one; transports never put a
 *       leading END before a frame ({@link DfuConnection}).</li>
 *   <li><b>A killed host leaves a partial frame in the decoder</b>, so a connection's first request may be
 *       swallowed or misread: every connection starts with pings with fresh ids until one is echoed with its own
 *       id, and only then reads state with SELECT, verified by CRC ({@link Handshake}, {@link PlanRunner}).</li>
 *   <li><b>One request at a time</b>: the UART answers only when its transmitter is idle; only WRITEs are
 *       streamed ({@link Exchange}, {@link ObjectStreamer}).</li>
 *   <li><b>PRN counts writes since the last CREATE or SET PRN</b> (nrf_dfu_serial.c restarts the count with the
 *       interval on both), and a device reset drops the interval to 0. The engine sets the interval before every
 *       object it creates unless the device was told it on this connection, forgets what it told after every
 *       re-synchronisation (a reset may have come in between), and sends SET PRN right before the rest of an object
 *       resumed in the middle (where the count is otherwise unknown), so its credits always count from a known zero.
 *       PRN 0 is not used for resumes:
 *       without notifications a host whose sends complete at once can overrun the device's three RX buffers.</li>
 *   <li><b>WRITE, CRC GET and EXECUTE carry no object type</b>: they act on the type last named by SELECT or CREATE
 *       (nrf_dfu_req_handler.c keeps it in a static). State is read with SELECT(command) then SELECT(data), so
 *       the engine selects the command object again before it continues or executes an init packet.</li>
 *   <li><b>CREATE of a data object erases a page</b> before it answers, and EXECUTE validates signatures and hashes:
 *       their timeouts are longer ({@link DfuOptions}).</li>
 *   <li><b>EXECUTE of an already complete object</b> may succeed or answer 0x08 depending on version and state; at
 *       a boundary during a resume 0x08 means "already executed", verified with SELECT
 *       ({@link #isAlreadyExecuted}).</li>
 *   <li><b>A device that lost its state</b> (a reset with progress only in RAM, a misread request) answers 0x08 to
 *       a data CREATE without a valid init packet, to EXECUTE of an incomplete object, and 0x05 to a CRC request
 *       after an invalid SELECT: these are re-synchronised, not reported ({@link #isStateLoss}).</li>
 *   <li><b>A request garbled on the line is executed as whatever it became</b> (the SLIP decoder has no checksum):
 *       answers that only a garbled request can earn are retried as line faults
 *       ({@link #answersAGarbledRequest}).</li>
 *   <li><b>ABORT (0x0C) is never sent</b>: the bootloader saves its settings and resets at once without answering,
 *       and on a dual-bank device the old application may then start, leaving DFU mode. Cancelling an update
 *       simply stops between frames, which keeps the device's RAM progress for the next run.</li>
 *   <li><b>MTU GET</b> is answered by every SDK 15–17 serial bootloader; should one answer "not supported", the
 *       UART MTU ({@value Mtu#UART}) is assumed ({@link #FALLBACK_MTU}).</li>
 *   <li><b>Protocol, hardware and firmware version requests</b> (0x00, 0x0A, 0x0B) are unknown to older
 *       bootloaders, which answer 0x02; the engine probes them and takes any failure as "not supported".</li>
 *   <li><b>After the final EXECUTE</b> the device answers and then resets, also when validation failed; an image
 *       that follows needs a new connection, and a connection loss after that answer is expected.</li>
 * </ul>
 */
final class BootloaderQuirks {

    /** MTU assumed when MTU GET is not supported. */
    static final int FALLBACK_MTU = Mtu.UART;

    private BootloaderQuirks() {
    }

    /** EXECUTE answered "operation not permitted": at an object boundary during a resume, "already executed". */
    static boolean isAlreadyExecuted(RemoteErrorException e) {
        return e.opCode() == OpCode.EXECUTE && e.result() == ResultCode.OPERATION_NOT_PERMITTED;
    }

    /**
     * An answer that says the device's state is not what the engine's plan assumed (rather than a verdict on the
     * package): re-synchronise, read the state again and plan afresh.
     */
    static boolean isStateLoss(RemoteErrorException e) {
        return switch (e.result()) {
            case OPERATION_NOT_PERMITTED -> e.opCode() == OpCode.CREATE || e.opCode() == OpCode.EXECUTE
                    || e.opCode() == OpCode.WRITE || e.opCode() == OpCode.CRC_GET;
            // 0x05 on EXECUTE is the init packet's verdict (bad signature, unparsable), not lost state
            case INVALID_OBJECT -> e.opCode() == OpCode.CRC_GET || e.opCode() == OpCode.WRITE;
            case INVALID, SUCCESS, OP_CODE_NOT_SUPPORTED, INVALID_PARAMETER, INSUFFICIENT_RESOURCES,
                 UNSUPPORTED_TYPE, OPERATION_FAILED, EXTENDED_ERROR -> false;
        };
    }

    /**
     * An answer the engine's own requests cannot earn, so the request must have been garbled on the line (a flipped
     * or lost byte turns a valid request into another): "invalid parameter" and "unsupported type" to anything,
     * "invalid object" to SELECT or CREATE (an unknown type byte), "insufficient resources" to CREATE (the engine never
     * asks more than SELECT's maximum; the image's fit is judged at the init packet's EXECUTE). Retried as a line
     * fault; should the device mean it, the retry budget ends in a typed error carrying this answer.
     */
    static boolean answersAGarbledRequest(RemoteErrorException e) {
        return switch (e.result()) {
            case INVALID_PARAMETER, UNSUPPORTED_TYPE -> true;
            case INVALID_OBJECT -> e.opCode() == OpCode.SELECT || e.opCode() == OpCode.CREATE;
            case INSUFFICIENT_RESOURCES -> e.opCode() == OpCode.CREATE;
            case INVALID, SUCCESS, OP_CODE_NOT_SUPPORTED, OPERATION_NOT_PERMITTED, OPERATION_FAILED,
                 EXTENDED_ERROR -> false;
        };
    }

    /** MTU GET answered "not supported". */
    static boolean isMtuUnsupported(RemoteErrorException e) {
        return e.opCode() == OpCode.MTU_GET && e.result() == ResultCode.OP_CODE_NOT_SUPPORTED;
    }
}
