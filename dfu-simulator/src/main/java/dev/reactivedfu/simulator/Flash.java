package dev.reactivedfu.simulator;

import java.util.Arrays;

/**
 * The nRF52840's 1 MiB of NOR flash: erased bytes read {@code 0xFF}, a page erase sets a 4 KiB page back to
 * {@code 0xFF}, and a write can only clear bits (it ANDs into what is there, so writing without erasing corrupts,
 * as on the chip). Counts erases and word writes so that the device can charge their time.
 *
 * <p>Reads are public; changes are made by the simulated bootloader only. Not thread-safe: the owning
 * {@link SimulatedDevice} serialises access.
 */
public final class Flash {

    private final byte[] bytes;
    private long pagesErased;
    private long wordsWritten;

    /** A fully erased flash. */
    public Flash() {
        bytes = new byte[MemoryLayout.FLASH_SIZE];
        Arrays.fill(bytes, (byte) 0xFF);
    }

    /**
     * A flash holding {@code image} (for a board persisted to a file).
     *
     * @throws IllegalArgumentException when the image is not exactly 1 MiB
     */
    public Flash(byte[] image) {
        if (image.length != MemoryLayout.FLASH_SIZE) {
            throw new IllegalArgumentException("a flash image is " + MemoryLayout.FLASH_SIZE + " bytes, not "
                    + image.length);
        }
        bytes = image.clone();
    }

    /** A copy of {@code length} bytes from {@code address}. */
    public byte[] read(long address, int length) {
        check(address, length);
        return Arrays.copyOfRange(bytes, (int) address, (int) address + length);
    }

    /** The byte at {@code address} (0..255). */
    public int readByte(long address) {
        check(address, 1);
        return bytes[(int) address] & 0xFF;
    }

    /** A copy of the whole flash. */
    public byte[] snapshot() {
        return bytes.clone();
    }

    /** Page erases so far. */
    public long pagesErased() {
        return pagesErased;
    }

    /** 32-bit words written so far (a partial word counts as one). */
    public long wordsWritten() {
        return wordsWritten;
    }

    /** Erases the {@code count} pages from the page holding {@code address}. */
    void erasePages(long address, int count) {
        long start = address / MemoryLayout.PAGE_SIZE * MemoryLayout.PAGE_SIZE;
        check(start, count * MemoryLayout.PAGE_SIZE);
        Arrays.fill(bytes, (int) start, (int) start + count * MemoryLayout.PAGE_SIZE, (byte) 0xFF);
        pagesErased += count;
    }

    /** Programs {@code data} at {@code address}: each bit can only go from 1 to 0. */
    void write(long address, byte[] data, int offset, int length) {
        check(address, length);
        for (int i = 0; i < length; i++) {
            bytes[(int) address + i] &= data[offset + i];
        }
        wordsWritten += (length + 3) / 4;
    }

    /** Copies {@code length} bytes from {@code from} to the erased area at {@code to} (activation). */
    void copy(long from, long to, int length) {
        byte[] data = read(from, length);
        erasePages(to, (int) ((MemoryLayout.pageAlignUp(to + length) - to) / MemoryLayout.PAGE_SIZE));
        write(to, data, 0, length);
    }

    private void check(long address, long length) {
        if (address < 0 || length < 0 || address + length > bytes.length) {
            throw new IllegalArgumentException(String.format("flash access 0x%X+%d outside 1 MiB", address, length));
        }
    }
}
