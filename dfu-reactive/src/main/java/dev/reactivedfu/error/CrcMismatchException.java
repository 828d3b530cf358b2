package dev.reactivedfu.error;

/**
 * The device reports a CRC at an offset that does not match the local image there: data were lost or corrupted
 * on the line.
 */
public final class CrcMismatchException extends DfuException {

    private final long offset;
    private final long expectedCrc;
    private final long actualCrc;

    public CrcMismatchException(long offset, long expectedCrc, long actualCrc) {
        super(String.format("CRC mismatch at offset %d: expected 0x%08X, device has 0x%08X",
                offset, expectedCrc, actualCrc), null);
        this.offset = offset;
        this.expectedCrc = expectedCrc;
        this.actualCrc = actualCrc;
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


    @Override
    public String advice() {
        return "the line loses data: enable flow control, lower the baud rate or the PRN interval";
    }
}
