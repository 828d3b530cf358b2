package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ResultCode;

import java.util.Optional;

/**
 * The checks of an init packet at its EXECUTE, in SDK 17.1's order and with its answers (DESIGN.md, "Device
 * behaviour"): decode ({@code 05}), signature when a key is configured (missing {@code 0B 08}, wrong type
 * {@code 0B 0B}, bad {@code 05}), type ({@code 0B 04}), debug package on a release bootloader and hardware version
 * ({@code 0B 06}), SoftDevice requirement ({@code 0B 07}), firmware version ({@code 0B 05}), hash type
 * ({@code 0B 09}), then size and place ({@code 04} when it does not fit the free flash).
 */
final class InitValidation {

    /** sd_req value meaning "any SoftDevice". */
    static final int SD_REQ_ANY = 0xFFFE;

    /** What validation decided: a {@link Plan} or a {@link Failure}. */
    sealed interface Outcome permits Plan, Failure {
    }

    /** A failed check: the result byte and, for 0x0B, the extended code. */
    record Failure(ResultCode result, Optional<ExtendedError> extended) implements Outcome {
        static Failure of(ResultCode r) {
            return new Failure(r, Optional.empty());
        }

        static Failure of(ExtendedError e) {
            return new Failure(ResultCode.EXTENDED_ERROR, Optional.of(e));
        }
    }

    /**
     * Where the image goes.
     *
     * @param init           the parsed init packet
     * @param firmwareStart  address of the receiving bank
     * @param firmwareSize   bytes of firmware the init packet announces
     * @param singleBank     whether the image overwrites bank 0 (it did not fit after the current application)
     */
    record Plan(InitPacket init, long firmwareStart, long firmwareSize, boolean singleBank) implements Outcome {
    }

    private InitValidation() {
    }

    /** Parses the stored init packet, or empty when it does not decode. */
    static Optional<InitPacket> parse(byte[] bytes) {
        try {
            return Optional.of(InitPacket.parse("init command", bytes));
        } catch (PackageException e) {
            return Optional.empty();
        }
    }

    /** Runs every check; a {@link Plan} on success, else the {@link Failure} to answer. */
    static Outcome validate(byte[] bytes, SimulatorConfig config, Settings settings) {
        Optional<InitPacket> parsed = parse(bytes);
        if (parsed.isEmpty()) {
            return Failure.of(ResultCode.INVALID_OBJECT);
        }
        InitPacket init = parsed.get();
        if (config.publicKey().isPresent()) {
            if (!init.isSigned()) {
                return Failure.of(ExtendedError.SIGNATURE_MISSING);
            }
            if (init.signatureType().orElseThrow() != DfuCc.SignatureType.ECDSA_P256_SHA256) {
                return Failure.of(ExtendedError.WRONG_SIGNATURE_TYPE);
            }
            if (!init.verifySignature(config.publicKey().get())) {
                return Failure.of(ResultCode.INVALID_OBJECT);
            }
        }
        DfuCc.InitCommand cmd = init.command();
        if (!cmd.hasType() || cmd.getType() == DfuCc.FwType.EXTERNAL_APPLICATION) {
            return Failure.of(ExtendedError.INIT_COMMAND_INVALID);
        }
        boolean debug = cmd.getIsDebug();
        if (debug && !config.debugBootloader()) {
            return Failure.of(ExtendedError.HW_VERSION_FAILURE);
        }
        if (!debug) {
            if (!cmd.hasHwVersion() || cmd.getHwVersion() != config.hwVersion()) {
                return Failure.of(ExtendedError.HW_VERSION_FAILURE);
            }
            if (!sdReqOk(cmd, settings)) {
                return Failure.of(ExtendedError.SD_VERSION_FAILURE);
            }
            if (!cmd.hasFwVersion()) {
                return Failure.of(ExtendedError.INIT_COMMAND_INVALID);
            }
            long installed = switch (cmd.getType()) {
                case APPLICATION, SOFTDEVICE, EXTERNAL_APPLICATION -> settings.appVersion();
                case BOOTLOADER, SOFTDEVICE_BOOTLOADER -> settings.bootloaderVersion();
            };
            if (Integer.toUnsignedLong(cmd.getFwVersion()) < installed) {
                return Failure.of(ExtendedError.FW_VERSION_FAILURE);
            }
        }
        if (!cmd.hasHash() || cmd.getHash().getHashType() != DfuCc.HashType.SHA256) {
            return Failure.of(ExtendedError.WRONG_HASH_TYPE);
        }
        if (cmd.getHash().getHash().size() != 32) {
            return Failure.of(ExtendedError.INIT_COMMAND_INVALID);
        }
        long size = firmwareSize(cmd);
        if (size <= 0) {
            return Failure.of(ExtendedError.INIT_COMMAND_INVALID);
        }
        if ((cmd.getType() == DfuCc.FwType.BOOTLOADER || cmd.getType() == DfuCc.FwType.SOFTDEVICE_BOOTLOADER)
                && Integer.toUnsignedLong(cmd.getBlSize()) > MemoryLayout.BOOTLOADER_SIZE) {
            return Failure.of(ResultCode.INSUFFICIENT_RESOURCES);
        }
        long appStart = settings.applicationStart();
        long bank0End = settings.bank0().code() == Settings.BankCode.VALID_APP
                ? appStart + settings.bank0().imageSize() : appStart;
        long dualBank = MemoryLayout.pageAlignUp(bank0End);
        if (dualBank + size <= MemoryLayout.APP_REGION_END) {
            return new Plan(init, dualBank, size, dualBank == appStart);
        }
        if (appStart + size <= MemoryLayout.APP_REGION_END) {
            return new Plan(init, appStart, size, true);
        }
        return Failure.of(ResultCode.INSUFFICIENT_RESOURCES);
    }

    /** Firmware bytes an init command announces for its type. */
    static long firmwareSize(DfuCc.InitCommand cmd) {
        long sd = Integer.toUnsignedLong(cmd.getSdSize());
        long bl = Integer.toUnsignedLong(cmd.getBlSize());
        long app = Integer.toUnsignedLong(cmd.getAppSize());
        return switch (cmd.getType()) {
            case APPLICATION, EXTERNAL_APPLICATION -> app;
            case SOFTDEVICE -> sd;
            case BOOTLOADER -> bl;
            case SOFTDEVICE_BOOTLOADER -> sd + bl;
        };
    }

    private static boolean sdReqOk(DfuCc.InitCommand cmd, Settings settings) {
        for (int req : cmd.getSdReqList()) {
            if (req == SD_REQ_ANY || req == 0x00 || req == settings.softDeviceId()) {
                return true;
            }
        }
        return false;
    }
}
