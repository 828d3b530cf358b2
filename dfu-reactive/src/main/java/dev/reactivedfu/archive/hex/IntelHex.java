package dev.reactivedfu.archive.hex;

import dev.reactivedfu.archive.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A sparse memory image as an Intel HEX file describes it: disjoint runs of bytes at 32-bit addresses, and an
 * optional start address. Immutable; arrays are copied in and out.
 *
 * <p>Read one with {@link IntelHexReader}; write one with {@link #toHex()} or {@link #write(Path)} (nrfutil's
 * record layout, see {@link IntelHexWriter}).
 */
public final class IntelHex {

    /** One contiguous run of bytes. */
    public record Segment(long address, byte[] data) {

        public Segment {
            data = data.clone();
        }

        /** The first address after the run. */
        public long end() {
            return address + data.length;
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && s.address == address && Arrays.equals(s.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("Segment[0x%08X..0x%08X)", address, end());
        }
    }

    /** A start address record: 03 (CS:IP, 8086 segmented) or 05 (EIP, 32-bit linear). */
    public sealed interface StartAddress {

        /** Record 05: the 32-bit entry point. */
        record Linear(long eip) implements StartAddress {
        }

        /** Record 03: code segment and instruction pointer. */
        record Segmented(int cs, int ip) implements StartAddress {
        }
    }

    /** The highest address an Intel HEX file can reach, plus one. */
    public static final long ADDRESS_LIMIT = 1L << 32;

    private static final IntelHex EMPTY = new IntelHex(List.of(), Optional.empty());

    private final List<Segment> segments;
    private final Optional<StartAddress> start;

    private IntelHex(List<Segment> segments, Optional<StartAddress> start) {
        this.segments = List.copyOf(segments);
        this.start = start;
    }

    /** No data at all. */
    public static IntelHex empty() {
        return EMPTY;
    }

    /** One run of {@code data} at {@code address}. */
    public static IntelHex of(long address, byte[] data) {
        return builder().put(address, data).build();
    }

    /** A builder that refuses overlapping data. */
    public static Builder builder() {
        return new Builder();
    }

    /** The runs in address order; adjacent runs are merged into one. */
    public List<Segment> segments() {
        return segments;
    }

    /** The start address record, if the file had one. */
    public Optional<StartAddress> start() {
        return start;
    }

    /** Whether there are no data bytes. */
    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The lowest address holding data. @throws IllegalStateException when empty */
    public long minAddress() {
        requireData();
        return segments.get(0).address();
    }

    /** The first address after the highest one holding data. @throws IllegalStateException when empty */
    public long endAddress() {
        requireData();
        return segments.get(segments.size() - 1).end();
    }

    /** The number of data bytes (holes not counted). */
    public long dataSize() {
        long n = 0;
        for (Segment s : segments) {
            n += s.data.length;
        }
        return n;
    }

    /**
     * The bytes from {@link #minAddress()} to {@link #endAddress()}, holes filled with {@code 0xFF} (erased flash), as
     * nrfutil's {@code hex2bin} makes a {@code .bin}; empty when there is no data.
     *
     * @throws IllegalStateException when the span exceeds 2 GiB
     */
    public byte[] toBinary() {
        if (segments.isEmpty()) {
            return new byte[0];
        }
        long span = endAddress() - minAddress();
        if (span > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the data spans " + span + " bytes: too large for one image");
        }
        byte[] out = new byte[(int) span];
        Arrays.fill(out, (byte) 0xFF);
        long base = minAddress();
        for (Segment s : segments) {
            System.arraycopy(s.data, 0, out, (int) (s.address() - base), s.data.length);
        }
        return out;
    }

    /**
     * {@link #toBinary()} padded with {@code 0xFF} to a multiple of {@code multiple} bytes: nrfutil pads an image
     * read from a {@code .hex} to a multiple of 4 before it hashes, sizes and packages it (12,345 → 12,348).
     */
    public byte[] toBinary(int multiple) {
        if (multiple <= 0) {
            throw new IllegalArgumentException("multiple must be positive: " + multiple);
        }
        byte[] bin = toBinary();
        int padded = (int) ((bin.length + (long) multiple - 1) / multiple * multiple);
        if (padded == bin.length) {
            return bin;
        }
        byte[] out = Arrays.copyOf(bin, padded);
        Arrays.fill(out, bin.length, padded, (byte) 0xFF);
        return out;
    }

    /** The data at addresses in {@code [from, to)}, with the same start address. */
    public IntelHex slice(long from, long to) {
        Builder b = builder();
        for (Segment s : segments) {
            long lo = Math.max(from, s.address());
            long hi = Math.min(to, s.end());
            if (lo < hi) {
                b.put(lo, Arrays.copyOfRange(s.data, (int) (lo - s.address()), (int) (hi - s.address())));
            }
        }
        start.ifPresent(b::start);
        return b.build();
    }

    /** The file text in nrfutil's record layout (see {@link IntelHexWriter}). */
    public String toHex() {
        return IntelHexWriter.write(this);
    }

    /**
     * Writes the file atomically (see {@link AtomicFiles}).
     *
     * @throws dev.reactivedfu.error.PackageException with fault {@code IO} when it cannot be written; nothing is left
     */
    public void write(Path file) {
        byte[] text = toHex().getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, text);
    }

    private void requireData() {
        if (segments.isEmpty()) {
            throw new IllegalStateException("the hex image holds no data");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntelHex h && h.segments.equals(segments) && h.start.equals(start);
    }

    @Override
    public int hashCode() {
        return Objects.hash(segments, start);
    }

    @Override
    public String toString() {
        return "IntelHex" + segments + start.map(s -> " start " + s).orElse("");
    }

    /** Collects runs; refuses one that overlaps another. Runs may be added in any order. */
    public static final class Builder {

        private final TreeMap<Long, byte[]> runs = new TreeMap<>();
        private Optional<StartAddress> start = Optional.empty();

        private Builder() {
        }

        /**
         * Adds {@code data} at {@code address}.
         *
         * @throws IllegalArgumentException when it overlaps data already added or leaves the 32-bit address space
         */
        public Builder put(long address, byte[] data) {
            if (address < 0 || address + data.length > ADDRESS_LIMIT) {
                throw new IllegalArgumentException(String.format(
                        "%d bytes at 0x%X leave the 32-bit address space", data.length, address));
            }
            if (data.length == 0) {
                return this;
            }
            long end = address + data.length;
            Map.Entry<Long, byte[]> below = runs.floorEntry(end - 1);
            if (below != null && below.getKey() + below.getValue().length > address) {
                throw new IllegalArgumentException(String.format(
                        "data at 0x%08X..0x%08X overlaps data at 0x%08X..0x%08X", address, end - 1,
                        below.getKey(), below.getKey() + below.getValue().length - 1));
            }
            runs.put(address, data.clone());
            return this;
        }

        /** Sets the start address record. */
        public Builder start(StartAddress address) {
            this.start = Optional.of(address);
            return this;
        }

        /** The image, adjacent runs merged. */
        public IntelHex build() {
            List<Segment> merged = new ArrayList<>();
            long runStart = -1;
            long runEnd = -1;
            List<byte[]> parts = new ArrayList<>();
            for (Map.Entry<Long, byte[]> e : runs.entrySet()) {
                if (e.getKey() != runEnd) {
                    if (!parts.isEmpty()) {
                        merged.add(new Segment(runStart, concat(parts, runEnd - runStart)));
                    }
                    parts.clear();
                    runStart = e.getKey();
                }
                parts.add(e.getValue());
                runEnd = e.getKey() + e.getValue().length;
            }
            if (!parts.isEmpty()) {
                merged.add(new Segment(runStart, concat(parts, runEnd - runStart)));
            }
            return merged.isEmpty() && start.isEmpty() ? EMPTY : new IntelHex(merged, start);
        }

        private static byte[] concat(List<byte[]> parts, long length) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            byte[] out = new byte[Math.toIntExact(length)];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
            return out;
        }
    }
}
