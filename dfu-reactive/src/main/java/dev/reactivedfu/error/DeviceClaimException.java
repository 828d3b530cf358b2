package dev.reactivedfu.error;

/**
 * The device claims something no SDK 15–17 bootloader claims and this update cannot work with: a command object
 * smaller than the init packet (a stock bootloader takes 512 bytes), a data object maximum of 0, an MTU too small for
 * one data byte. The device (or its bootloader build) is at fault, not the package; requests were sent to learn it.
 */
public final class DeviceClaimException extends DfuException {

    /** What the device claimed. */
    public enum Claim {
        /** SELECT(command) reports a maximum size below the init packet's length. */
        COMMAND_OBJECT_MAXIMUM,
        /** SELECT(data) reports a maximum size of 0. */
        DATA_OBJECT_MAXIMUM,
        /** MTU GET reports an MTU too small to carry one data byte per WRITE. */
        MTU
    }

    private final String port;
    private final Claim claim;
    private final long claimed;

    /**
     * @param port    the transport's name
     * @param claim   which answer is absurd
     * @param claimed the value the device reported
     * @param detail  the claim in words, with what this update needed
     */
    public DeviceClaimException(String port, Claim claim, long claimed, String detail) {
        super("device on " + port + " claims " + detail, null);
        this.port = port;
        this.claim = claim;
        this.claimed = claimed;
    }

    public String port() {
        return port;
    }

    public Claim claim() {
        return claim;
    }

    /** The value the device reported. */
    public long claimed() {
        return claimed;
    }

    @Override
    public String advice() {
        return "the package is fine: check that the board runs a Nordic SDK 15-17 secure serial bootloader "
                + "(reflash it if it was built with a changed command object or MTU), then run the same command again";
    }
}
