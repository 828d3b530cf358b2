package dev.reactivedfu.archive.hex;

import dev.reactivedfu.error.PackageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an Intel HEX file strictly. Each line is {@code :LLAAAATT<data>CC}: byte count, 16-bit address, record
 * type, data, and a checksum that makes all bytes of the record sum to 0 mod 256. Records understood:
 * <ul>
 *   <li>{@code 00} data, at the current base plus the record's address;</li>
 *   <li>{@code 01} end of file (no data; nothing but blank lines may follow);</li>
 *   <li>{@code 02} extended segment address: base = value × 16;</li>
 *   <li>{@code 03} start segment address (CS:IP), {@code 05} start linear address (EIP), at most one of them;</li>
 *   <li>{@code 04} extended linear address: base = value × 65,536.</li>
 * </ul>
 * Refused, each with the line number: a line not starting with {@code :}, non-hex digits, a byte count that does
 * not match the line, a wrong checksum, an unknown type, a wrong length for the type, data that overlaps earlier
 * data, data that lies below the end of the previous data record (out of order), data past the 32-bit space, and a
 * file without an end-of-file record (truncated). Blank lines and trailing whitespace (CR LF) are allowed.
 */
public final class IntelHexReader {

    /** Files larger than this are refused unread: every nRF5 flash image is far smaller. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    private IntelHexReader() {
    }

    /**
     * Reads a {@code .hex} file.
     *
     * @throws PackageException with fault {@code IO} when the file is missing or unreadable, {@code HEX} when it is
     *                          malformed (the message names the line)
     */
    public static IntelHex read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PackageException(name, PackageException.Fault.HEX,
                        "larger than " + (MAX_FILE_BYTES >> 20) + " MiB: not a firmware hex file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PackageException(name, PackageException.Fault.IO, "no such file", e);
        } catch (IOException e) {
            throw new PackageException(name, PackageException.Fault.IO, "cannot read: " + e.getMessage(), e);
        }
        return parse(name, bytes);
    }

    /**
     * Parses hex file text; {@code source} names it in errors.
     *
     * @throws PackageException with fault {@code HEX} when it is malformed (the message names the line)
     */
    public static IntelHex parse(String source, byte[] text) {
        return new Parse(source).run(new String(text, StandardCharsets.ISO_8859_1));
    }

    /** One pass over the lines. */
    private static final class Parse {

        private final String source;
        private final IntelHex.Builder image = IntelHex.builder();
        /** Data records read so far: start address → {end address, line}. */
        private final TreeMap<Long, long[]> records = new TreeMap<>();
        private long base;
        private long previousEnd = -1;
        private int previousLine;
        private int eofLine;
        private int startLine;
        private int line;

        Parse(String source) {
            this.source = source;
        }

        IntelHex run(String text) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                line = i + 1;
                String l = lines[i].strip();
                if (l.isEmpty()) {
                    continue;
                }
                if (eofLine != 0) {
                    throw fail("a record after the end-of-file record of line " + eofLine);
                }
                record(l);
            }
            if (eofLine == 0) {
                throw new PackageException(source, PackageException.Fault.HEX,
                        "no end-of-file record (:00000001FF): the file is truncated or not Intel HEX");
            }
            return image.build();
        }

        private void record(String l) {
            if (l.charAt(0) != ':') {
                throw fail("does not start with ':' (not an Intel HEX record)");
            }
            int digits = l.length() - 1;
            if (digits % 2 != 0 || digits < 10) {
                throw fail("a record needs an even number of at least 10 hex digits after ':', found " + digits);
            }
            byte[] b = new byte[digits / 2];
            for (int i = 0; i < b.length; i++) {
                int hi = Character.digit(l.charAt(1 + 2 * i), 16);
                int lo = Character.digit(l.charAt(2 + 2 * i), 16);
                if (hi < 0 || lo < 0) {
                    throw fail("'" + l.substring(1 + 2 * i, 3 + 2 * i) + "' is not a hex byte");
                }
                b[i] = (byte) (hi << 4 | lo);
            }
            int count = b[0] & 0xFF;
            if (b.length != count + 5) {
                throw fail("byte count " + count + " but the record holds " + (b.length - 5) + " data bytes");
            }
            int sum = 0;
            for (byte x : b) {
                sum += x & 0xFF;
            }
            if ((sum & 0xFF) != 0) {
                int stated = b[b.length - 1] & 0xFF;
                int expected = (stated - sum) & 0xFF;
                throw fail(String.format("checksum 0x%02X, expected 0x%02X (the record is corrupt)", stated, expected));
            }
            int offset = (b[1] & 0xFF) << 8 | (b[2] & 0xFF);
            int type = b[3] & 0xFF;
            switch (type) {
                case 0x00 -> data(offset, b, count);
                case 0x01 -> {
                    requireCount(type, count, 0);
                    eofLine = line;
                }
                case 0x02 -> {
                    requireCount(type, count, 2);
                    base = (long) u16(b, 4) << 4;
                }
                case 0x03 -> {
                    requireCount(type, count, 4);
                    start(new IntelHex.StartAddress.Segmented(u16(b, 4), u16(b, 6)));
                }
                case 0x04 -> {
                    requireCount(type, count, 2);
                    base = (long) u16(b, 4) << 16;
                }
                case 0x05 -> {
                    requireCount(type, count, 4);
                    start(new IntelHex.StartAddress.Linear((long) u16(b, 4) << 16 | u16(b, 6)));
                }
                default -> throw fail(String.format("unknown record type 0x%02X (known: 00 to 05)", type));
            }
        }

        private void data(int offset, byte[] b, int count) {
            if (count == 0) {
                return;
            }
            long address = base + offset;
            long end = address + count;
            if (end > IntelHex.ADDRESS_LIMIT) {
                throw fail(String.format("data at 0x%X runs past the 32-bit address space", address));
            }
            Map.Entry<Long, long[]> below = records.floorEntry(end - 1);
            if (below != null && below.getValue()[0] > address) {
                throw fail(String.format("data at 0x%08X..0x%08X overlaps data of line %d (0x%08X..0x%08X)",
                        address, end - 1, below.getValue()[1], below.getKey(), below.getValue()[0] - 1));
            }
            if (address < previousEnd) {
                throw fail(String.format("data at 0x%08X comes before the end (0x%08X) of line %d's data: "
                        + "records out of order", address, previousEnd, previousLine));
            }
            byte[] data = new byte[count];
            System.arraycopy(b, 4, data, 0, count);
            image.put(address, data);
            records.put(address, new long[] {end, line});
            previousEnd = end;
            previousLine = line;
        }

        private void start(IntelHex.StartAddress address) {
            if (startLine != 0) {
                throw fail("a second start address record (the first is on line " + startLine + ")");
            }
            startLine = line;
            image.start(address);
        }

        private void requireCount(int type, int count, int expected) {
            if (count != expected) {
                throw fail(String.format("record type 0x%02X must hold %d bytes, holds %d", type, expected, count));
            }
        }

        private static int u16(byte[] b, int at) {
            return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
        }

        private PackageException fail(String detail) {
            return new PackageException(source, PackageException.Fault.HEX, "line " + line + ": " + detail);
        }
    }
}
