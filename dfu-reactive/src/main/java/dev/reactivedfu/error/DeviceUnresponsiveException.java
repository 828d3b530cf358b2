package dev.reactivedfu.error;

/**
 * The device stayed silent through every escalation step (pings with backoff, a DTR/RTS reset where configured,
 * waiting out the bootloader's inactivity timer).
 */
public final class DeviceUnresponsiveException extends DfuException {

    private final String port;

    public DeviceUnresponsiveException(String port, String tried, Throwable cause) {
        super("device on " + port + " does not answer (tried: " + tried + ")", cause);
        this.port = port;
    }

    public String port() {
        return port;
    }


    @Override
    public String advice() {
        return "put the board in DFU mode (hold the DFU button and reset it, or power-cycle it), check the baud rate, "
                + "then run the same command again";
    }
}
