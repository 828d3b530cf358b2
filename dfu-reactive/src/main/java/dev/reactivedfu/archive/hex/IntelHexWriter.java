package dev.reactivedfu.archive.hex;

/**
 * Writes Intel HEX in the record layout of nrfutil (Python {@code intelhex}'s {@code write_hex_file}), so that a
 * generated file compares equal to nrfutil's line for line:
 * <ol>
 *   <li>the start address record first, when there is one ({@code 03} or {@code 05});</li>
 *   <li>an extended linear address record ({@code 04}) before the first data record and again whenever the upper
 *       16 address bits change, but only when some data lies above {@code 0xFFFF} (no {@code 02} records);</li>
 *   <li>data records of at most 16 bytes, counted from the current address (not aligned), never crossing a 64 KiB
 *       boundary or a hole;</li>
 *   <li>{@code :00000001FF}; upper-case hex digits, each line ending in {@code \n}.</li>
 * </ol>
 */
public final class IntelHexWriter {

    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    /** Data bytes per record, as nrfutil writes. */
    public static final int BYTES_PER_RECORD = 16;

    private IntelHexWriter() {
    }

    /** The file text for {@code hex}. */
    public static String write(IntelHex hex) {
        StringBuilder out = new StringBuilder();
        hex.start().ifPresent(start -> {
            if (start instanceof IntelHex.StartAddress.Linear l) {
                long eip = l.eip();
                record(out, 0, 0x05, new byte[] {
                        (byte) (eip >>> 24), (byte) (eip >>> 16), (byte) (eip >>> 8), (byte) eip});
            } else if (start instanceof IntelHex.StartAddress.Segmented s) {
                record(out, 0, 0x03, new byte[] {
                        (byte) (s.cs() >>> 8), (byte) s.cs(), (byte) (s.ip() >>> 8), (byte) s.ip()});
            }
        });
        if (!hex.isEmpty()) {
            boolean linear = hex.endAddress() - 1 > 0xFFFF;
            long upper = -1;
            for (IntelHex.Segment segment : hex.segments()) {
                byte[] data = segment.data();
                long address = segment.address();
                int at = 0;
                while (at < data.length) {
                    long current = address + at;
                    if (linear && current >>> 16 != upper) {
                        upper = current >>> 16;
                        record(out, 0, 0x04, new byte[] {(byte) (upper >>> 8), (byte) upper});
                    }
                    int low = (int) (current & 0xFFFF);
                    int n = (int) Math.min(BYTES_PER_RECORD, Math.min(0x10000 - low, data.length - at));
                    byte[] chunk = new byte[n];
                    System.arraycopy(data, at, chunk, 0, n);
                    record(out, low, 0x00, chunk);
                    at += n;
                }
            }
        }
        out.append(":00000001FF\n");
        return out.toString();
    }

    private static void record(StringBuilder out, int address, int type, byte[] data) {
        int sum = data.length + (address >>> 8) + (address & 0xFF) + type;
        out.append(':');
        hex(out, data.length);
        hex(out, address >>> 8);
        hex(out, address & 0xFF);
        hex(out, type);
        for (byte b : data) {
            hex(out, b & 0xFF);
            sum += b & 0xFF;
        }
        hex(out, -sum & 0xFF);
        out.append('\n');
    }

    private static void hex(StringBuilder out, int value) {
        out.append(DIGITS[(value >>> 4) & 0xF]).append(DIGITS[value & 0xF]);
    }
}
