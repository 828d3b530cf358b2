package dev.reactivedfu.error;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The board does not fit the package, known from what its bootloader reports before anything of the package was
 * sent: its hardware (0x0A) belongs to another chip family than the init packet's {@code hw_version}, or it has no
 * SoftDevice installed while the package's {@code sd_req} asks for one. The commonest factory mistake (a wrong board in
 * the socket); the bootloader would refuse the init packet anyway ({@code 0B 06} or {@code 0B 07}).
 */
public final class WrongBoardException extends DfuException {

    /** What does not fit. */
    public enum Mismatch {
        /** The hardware the bootloader reports is not the one the package's hw_version names. */
        HARDWARE,
        /** The SoftDevice installed (or its absence) is not one the package's sd_req accepts. */
        SOFTDEVICE
    }

    private final String port;
    private final Mismatch mismatch;
    private final String device;
    private final String required;

    /**
     * @param port     the transport's name
     * @param mismatch what does not fit
     * @param device   what the bootloader reports, in words
     * @param required what the package requires, in words
     */
    public WrongBoardException(String port, Mismatch mismatch, String device, String required) {
        super("wrong board on " + port + ": the bootloader reports " + device + ", the package requires " + required
                + " (nothing of the package was sent)", null);
        this.port = port;
        this.mismatch = mismatch;
        this.device = device;
        this.required = required;
    }

    public String port() {
        return port;
    }

    public Mismatch mismatch() {
        return mismatch;
    }

    /** What the bootloader reports, in words. */
    public String device() {
        return device;
    }

    /** What the package requires, in words. */
    public String required() {
        return required;
    }

    /** The package's sd_req list in hex, as nrfutil writes it ({@code 0xCA, 0x100}). */
    public static String hexList(List<Integer> values) {
        return values.stream().map(v -> String.format("0x%02X", v)).collect(Collectors.joining(", "));
    }

    @Override
    public String advice() {
        return switch (mismatch) {
            case HARDWARE -> "put a board of the package's hardware in the socket, or use the package built for this board";
            case SOFTDEVICE -> "flash the SoftDevice the package needs first (or a package with it), or rebuild the "
                    + "package with this board's SoftDevice in sd_req";
        };
    }
}
