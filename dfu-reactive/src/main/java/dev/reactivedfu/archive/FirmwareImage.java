package dev.reactivedfu.archive;

import java.util.Objects;
import java.util.Optional;

/**
 * One image of a DFU package: its kind, the init packet to send as the command object (the {@code .dat} bytes,
 * exactly as in the package), and the firmware to send as data objects (the {@code .bin} bytes).
 *
 * <p>Immutable: the arrays are copied in and out; read {@link #firmware()} once and keep the copy.
 */
public final class FirmwareImage {

    private final ImageKind kind;
    private final String binFile;
    private final String datFile;
    private final byte[] initPacket;
    private final byte[] firmware;
    private final InitPacket init;
    private final Optional<ReadOnlyMetadata> metadata;

    /** An image without manifest metadata. */
    public FirmwareImage(ImageKind kind, String binFile, String datFile, byte[] initPacket, byte[] firmware,
                         InitPacket init) {
        this(kind, binFile, datFile, initPacket, firmware, init, Optional.empty());
    }

    /**
     * An image as the package reader makes it.
     *
     * @param metadata the manifest's {@code info_read_only_metadata} for this image, when it has one
     */
    public FirmwareImage(ImageKind kind, String binFile, String datFile, byte[] initPacket, byte[] firmware,
                         InitPacket init, Optional<ReadOnlyMetadata> metadata) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.binFile = Objects.requireNonNull(binFile, "binFile");
        this.datFile = Objects.requireNonNull(datFile, "datFile");
        this.initPacket = initPacket.clone();
        this.firmware = firmware.clone();
        this.init = Objects.requireNonNull(init, "init");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
    }

    /** What the image is; decides its place in the send order. */
    public ImageKind kind() {
        return kind;
    }

    /** Name of the {@code .bin} entry in the package. */
    public String binFile() {
        return binFile;
    }

    /** Name of the {@code .dat} entry in the package. */
    public String datFile() {
        return datFile;
    }

    /** The init packet bytes as sent in the command object (a copy). */
    public byte[] initPacket() {
        return initPacket.clone();
    }

    /** Size of the init packet in bytes. */
    public int initPacketSize() {
        return initPacket.length;
    }

    /** The firmware bytes as sent in data objects (a copy). */
    public byte[] firmware() {
        return firmware.clone();
    }

    /** Size of the firmware in bytes. */
    public int firmwareSize() {
        return firmware.length;
    }

    /** The parsed init packet. */
    public InitPacket init() {
        return init;
    }

    /**
     * The manifest's {@code info_read_only_metadata} (SoftDevice and bootloader sizes of a combined image), for
     * display only: the init packet's sizes are what the device checks.
     */
    public Optional<ReadOnlyMetadata> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return kind + "[" + binFile + ", " + firmware.length + " bytes]";
    }
}
