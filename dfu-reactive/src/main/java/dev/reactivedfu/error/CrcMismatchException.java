package dev.reactivedfu.error;

/**
 * The device reports a CRC at an offset that does not match the local image there: data were lost or corrupted
 * on the line.
 */
public final class CrcMismatchException extends DfuException {

    private final long offset;
    private final long expectedCrc;
    private final long actualCrc;
    private final long deviceOffset;

    public CrcMismatchException(long offset, long expectedCrc, long actualCrc) {
        this(offset, expectedCrc, offset, actualCrc);
    }

    /**
     * The device reported {@code actualCrc} at {@code deviceOffset} where the engine expected {@code expectedCrc} at
     * {@code offset}.
     */
    public CrcMismatchException(long offset, long expectedCrc, long deviceOffset, long actualCrc) {
        super(String.format("CRC mismatch at offset %d: expected 0x%08X, device has 0x%08X", offset, expectedCrc,
                actualCrc) + (deviceOffset == offset ? "" : " at offset " + deviceOffset), null);
        this.offset = offset;
        this.expectedCrc = expectedCrc;
        this.actualCrc = actualCrc;
        this.deviceOffset = deviceOffset;
    }

    public long offset() {
        return offset;
    }

    public long expectedCrc() {
        return expectedCrc;
    }

    public long actualCrc() {
        return actualCrc;
    }

    /**
     * Where the device reported its CRC: {@link #offset()} when it received as many bytes as were sent (so some
     * arrived changed, or a whole frame went missing), another offset when bytes went missing or frames ran together.
     */
    public long deviceOffset() {
        return deviceOffset;
    }


    @Override
    public String advice() {
        return "the line loses data: enable flow control, lower the baud rate or the PRN interval";
    }
}
