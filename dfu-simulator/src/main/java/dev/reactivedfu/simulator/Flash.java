package dev.reactivedfu.simulator;

import java.util.Arrays;

/**
 * The nRF52840's 1 MiB of NOR flash: erased bytes read {@code 0xFF}, a page erase sets a 4 KiB page back to
 * {@code 0xFF}, and a write can only clear bits (it ANDs into what is there, so writing without erasing corrupts,
 * as on the chip). Counts erases and word writes so that the device can charge their time.
 *
 * <p>Kept by page: only pages written since their last erase hold an array, an erased page is none, so a board
 * that received a 24 KiB image holds a few pages, not 1 MiB (a station simulating hundreds of boards in one process).
 *
 * <p>Reads are public; changes are made by the simulated bootloader only. Not thread-safe: the owning
 * {@link SimulatedDevice} serialises access.
 */
public final class Flash {

    private static final int PAGE = MemoryLayout.PAGE_SIZE;

    /** Page {@code i} covers {@code [i × PAGE, (i + 1) × PAGE)}; null while erased (all {@code 0xFF}). */
    private final byte[][] pages = new byte[MemoryLayout.FLASH_SIZE / PAGE][];
    private long pagesErased;
    private long wordsWritten;

    /** A fully erased flash. */
    public Flash() {
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
        for (int p = 0; p < pages.length; p++) {
            for (int i = p * PAGE; i < (p + 1) * PAGE; i++) {
                if (image[i] != (byte) 0xFF) {
                    pages[p] = Arrays.copyOfRange(image, p * PAGE, (p + 1) * PAGE);
                    break;
                }
            }
        }
    }

    /** A copy of {@code length} bytes from {@code address}. */
    public byte[] read(long address, int length) {
        check(address, length);
        byte[] out = new byte[length];
        int at = (int) address;
        int done = 0;
        while (done < length) {
            int p = at / PAGE;
            int in = at % PAGE;
            int n = Math.min(PAGE - in, length - done);
            if (pages[p] == null) {
                Arrays.fill(out, done, done + n, (byte) 0xFF);
            } else {
                System.arraycopy(pages[p], in, out, done, n);
            }
            done += n;
            at += n;
        }
        return out;
    }

    /** The byte at {@code address} (0..255). */
    public int readByte(long address) {
        check(address, 1);
        byte[] page = pages[(int) address / PAGE];
        return page == null ? 0xFF : page[(int) address % PAGE] & 0xFF;
    }

    /** A copy of the whole flash. */
    public byte[] snapshot() {
        return read(0, MemoryLayout.FLASH_SIZE);
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
        Arrays.fill(pages, (int) (start / PAGE), (int) (start / PAGE) + count, null);
        pagesErased += count;
    }

    /** Programs {@code data} at {@code address}: each bit can only go from 1 to 0. */
    void write(long address, byte[] data, int offset, int length) {
        check(address, length);
        for (int i = 0; i < length; i++) {
            int a = (int) address + i;
            byte[] page = pages[a / PAGE];
            if (page == null) {
                page = new byte[PAGE];
                Arrays.fill(page, (byte) 0xFF);
                pages[a / PAGE] = page;
            }
            page[a % PAGE] &= data[offset + i];
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
        if (address < 0 || length < 0 || address + length > MemoryLayout.FLASH_SIZE) {
            throw new IllegalArgumentException(String.format("flash access 0x%X+%d outside 1 MiB", address, length));
        }
    }
}
