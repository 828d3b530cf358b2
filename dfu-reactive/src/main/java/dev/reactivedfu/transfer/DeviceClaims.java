package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DeviceClaimException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;

/**
 * Answers no SDK 15–17 bootloader gives and this update cannot work with, checked where they arrive: they are the
 * device's fault (exit 4 in the CLI), never the package's, and retrying does not change them. A stock bootloader
 * reports a command object of 512 bytes, a data object of one flash page (4096 bytes) and an MTU of 131 (UART) or
 * 2051 (USB CDC).
 */
final class DeviceClaims {

    /** The smallest MTU that leaves room for one data byte per WRITE. */
    static final int MIN_MTU = 5;

    private DeviceClaims() {
    }

    /**
     * Checks a SELECT answer.
     *
     * @param initSize the init packet's length, for the command object
     * @throws DeviceClaimException when the command object cannot hold the init packet or the data object has no size
     */
    static void checkSelect(String port, ObjectType type, DfuResponse.Select select, long initSize) {
        if (type == ObjectType.COMMAND && select.maxSize() < initSize) {
            throw new DeviceClaimException(port, DeviceClaimException.Claim.COMMAND_OBJECT_MAXIMUM, select.maxSize(),
                    "its command object takes at most " + select.maxSize() + " bytes (SELECT answer), but the init "
                            + "packet has " + initSize + " bytes; an SDK 15-17 bootloader takes 512");
        }
        if (type == ObjectType.DATA && select.maxSize() <= 0) {
            throw new DeviceClaimException(port, DeviceClaimException.Claim.DATA_OBJECT_MAXIMUM, select.maxSize(),
                    "a data object maximum of " + select.maxSize() + " bytes (SELECT answer); an SDK 15-17 "
                            + "bootloader takes one flash page, 4096");
        }
    }

    /**
     * Checks an MTU GET answer.
     *
     * @throws DeviceClaimException when the MTU cannot carry one data byte per WRITE
     */
    static int checkMtu(String port, int mtu) {
        if (mtu < MIN_MTU) {
            throw new DeviceClaimException(port, DeviceClaimException.Claim.MTU, mtu,
                    "an MTU of " + mtu + " bytes (MTU GET answer), too small for one data byte per write; at least "
                            + MIN_MTU + " are needed and an SDK 15-17 bootloader reports 131 (UART) or 2051 (USB CDC)");
        }
        return mtu;
    }
}
