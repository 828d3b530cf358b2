package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Zip archives of DFU packages, both ways, in memory only.
 *
 * <p>Reading ({@link #read}) refuses hostile input with a {@link PackageException} naming the file and the fault:
 * not a zip ({@link Fault#NOT_A_ZIP}), truncated ({@link Fault#TRUNCATED}), entries named with {@code ..}, absolute or
 * drive paths ({@link Fault#UNSAFE_ENTRY}), duplicate entries ({@link Fault#DUPLICATE_ENTRY}), and an entry, an archive
 * or a number of entries past the limits ({@link Fault#TOO_LARGE}). Inflated bytes are counted as they are read; sizes
 * declared in the zip's headers are never trusted, so a zip bomb stops at the limit. Nothing is ever extracted.
 *
 * <p>Writing ({@link #write}) makes the archive exactly as nrfutil's Python {@code zipfile} does: entries stored (not
 * compressed), in the order given, each with the same DOS timestamp, "version made by" 2.0 on Unix, mode
 * {@code 100644}, no extra fields, no comments; so an unsigned package generated from the same inputs at the same
 * time is byte for byte the one nrfutil writes.
 */
public final class SafeZip {

    /** Most entries an archive may hold (a package has at most one manifest and two files per image kind). */
    public static final int MAX_ENTRIES = 64;

    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] END_HEADER = {'P', 'K', 5, 6};
    private static final int END_RECORD_LENGTH = 22;

    /** "Version made by": 3 (Unix) in the high byte, zip 2.0 in the low one, as Python's zipfile writes it. */
    private static final int VERSION_MADE_BY = 0x0314;
    private static final int VERSION_NEEDED = 20;
    /** External attributes: a regular file, mode 644, in the high 16 bits. */
    private static final long UNIX_REGULAR_644 = 0100644L << 16;

    /**
     * One entry to write.
     *
     * @param name  its name in the archive
     * @param bytes its content
     */
    public record Entry(String name, byte[] bytes) {
        public Entry {
            if (unsafeName(name) != null) {
                throw new IllegalArgumentException("unsafe entry name " + quote(name) + ": " + unsafeName(name));
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    private SafeZip() {
    }

    /**
     * Reads the archive's entries into memory (never to disk), counting inflated bytes against the limits.
     *
     * @return the entries by name, in archive order, directories left out
     * @throws PackageException naming {@code source} and the fault
     */
    static Map<String, byte[]> read(String source, byte[] zip, long maxEntrySize, long maxArchiveSize) {
        if (zip.length > maxArchiveSize) {
            throw new PackageException(source, Fault.TOO_LARGE, "the archive is " + zip.length
                    + " bytes, more than the limit of " + maxArchiveSize + " bytes for a package");
        }
        int declaredEntries = checkEnd(source, zip);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[8192];
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (++count > MAX_ENTRIES) {
                    throw new PackageException(source, Fault.TOO_LARGE,
                            "more than " + MAX_ENTRIES + " entries: not a DFU package");
                }
                String unsafe = unsafeName(name);
                if (unsafe != null) {
                    throw new PackageException(source, Fault.UNSAFE_ENTRY,
                            "entry " + quote(name) + " " + unsafe + "; refused without extracting anything");
                }
                if (entries.containsKey(name)) {
                    throw new PackageException(source, Fault.DUPLICATE_ENTRY,
                            "entry " + quote(name) + " appears more than once");
                }
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                long entrySize = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    entrySize += n;
                    total += n;
                    if (entrySize > maxEntrySize) {
                        throw new PackageException(source, Fault.TOO_LARGE, "entry " + quote(name)
                                + " inflates to more than the limit of " + maxEntrySize + " bytes");
                    }
                    if (total > maxArchiveSize) {
                        throw new PackageException(source, Fault.TOO_LARGE, "the entries inflate to more than "
                                + "the limit of " + maxArchiveSize + " bytes (at " + quote(name) + ")");
                    }
                    content.write(buffer, 0, n);
                }
                entries.put(name, content.toByteArray());
            }
        } catch (PackageException e) {
            throw e;
        } catch (EOFException e) {
            throw new PackageException(source, Fault.TRUNCATED, "the zip ends in the middle of an entry", e);
        } catch (IOException | RuntimeException e) {
            // ZipException (bad header, bad CRC, bad compressed data), IllegalArgumentException (malformed names)
            throw new PackageException(source, Fault.NOT_A_ZIP, "damaged zip: " + e.getMessage(), e);
        }
        if (count != declaredEntries) {
            throw new PackageException(source, Fault.NOT_A_ZIP, "damaged zip: its directory lists "
                    + declaredEntries + " entries but it holds " + count);
        }
        entries.keySet().removeIf(name -> name.endsWith("/"));
        return entries;
    }

    /**
     * Checks the zip signature and its end-of-central-directory record, which a truncated file lacks (reading local
     * headers alone would accept a file cut inside its directory).
     *
     * @return the number of entries the directory declares
     */
    private static int checkEnd(String source, byte[] zip) {
        if (!startsWith(zip, LOCAL_HEADER) && !startsWith(zip, END_HEADER)) {
            if (zip.length == 0) {
                throw new PackageException(source, Fault.NOT_A_ZIP, "not a zip file: the file is empty");
            }
            boolean prefix = zip.length > 0 && zip.length < LOCAL_HEADER.length && startsWithPrefix(zip, LOCAL_HEADER);
            throw new PackageException(source, prefix ? Fault.TRUNCATED : Fault.NOT_A_ZIP, prefix
                    ? "the zip ends after " + zip.length + " bytes"
                    : "not a zip file (it starts with " + hexStart(zip) + ", not PK 03 04)");
        }
        int lowest = Math.max(0, zip.length - END_RECORD_LENGTH - 0xFFFF);
        for (int i = zip.length - END_RECORD_LENGTH; i >= lowest; i--) {
            if (startsWithAt(zip, i, END_HEADER) && DfuCodec.u16(zip, i + 20) == zip.length - i - END_RECORD_LENGTH) {
                int entries = DfuCodec.u16(zip, i + 10);
                long directorySize = DfuCodec.u32(zip, i + 12);
                long directoryOffset = DfuCodec.u32(zip, i + 16);
                if (entries == 0xFFFF || directorySize == 0xFFFF_FFFFL || directoryOffset == 0xFFFF_FFFFL) {
                    throw new PackageException(source, Fault.NOT_A_ZIP,
                            "a ZIP64 archive: DFU packages are plain zips");
                }
                if (directoryOffset + directorySize != i) {
                    throw new PackageException(source, Fault.TRUNCATED, "damaged zip: its central directory "
                            + "does not end where the end record starts (truncated or spliced)");
                }
                return entries;
            }
        }
        throw new PackageException(source, Fault.TRUNCATED,
                "the zip has no end record: the file is truncated (" + zip.length + " bytes)");
    }

    /** Why an entry name is unsafe to honour, or {@code null} when it is safe. */
    static String unsafeName(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "has a NUL in its name";
        }
        String n = name.replace('\\', '/');
        if (n.startsWith("/")) {
            return "is an absolute path";
        }
        if (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0))) {
            return "is a drive path";
        }
        for (String segment : n.split("/", -1)) {
            if (segment.equals("..")) {
                return "climbs out of the archive with '..'";
            }
        }
        return null;
    }

    /**
     * The archive holding {@code entries} in that order, stored, each stamped {@code time} (DOS time: two-second
     * resolution, years 1980 to 2107).
     *
     * @throws IllegalArgumentException on two entries of one name, or more than {@link #MAX_ENTRIES}
     */
    public static byte[] write(List<Entry> entries, LocalDateTime time) {
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
        }
        int dosTime = time.getHour() << 11 | time.getMinute() << 5 | time.getSecond() / 2;
        int dosDate = Math.max(0, time.getYear() - 1980) << 9 | time.getMonthValue() << 5 | time.getDayOfMonth();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream directory = new ByteArrayOutputStream();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (seen.put(e.name(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("entry " + quote(e.name()) + " given twice");
            }
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.bytes;
            CRC32 crc = new CRC32();
            crc.update(data);
            long offset = out.size();
            // local file header
            u32(out, 0x04034b50L);
            u16(out, VERSION_NEEDED);
            u16(out, 0);                    // flags
            u16(out, 0);                    // method: stored
            u16(out, dosTime);
            u16(out, dosDate);
            u32(out, crc.getValue());
            u32(out, data.length);          // compressed size
            u32(out, data.length);          // uncompressed size
            u16(out, name.length);
            u16(out, 0);                    // extra length
            out.writeBytes(name);
            out.writeBytes(data);
            // central directory header
            u32(directory, 0x02014b50L);
            u16(directory, VERSION_MADE_BY);
            u16(directory, VERSION_NEEDED);
            u16(directory, 0);
            u16(directory, 0);
            u16(directory, dosTime);
            u16(directory, dosDate);
            u32(directory, crc.getValue());
            u32(directory, data.length);
            u32(directory, data.length);
            u16(directory, name.length);
            u16(directory, 0);              // extra length
            u16(directory, 0);              // comment length
            u16(directory, 0);              // disk number
            u16(directory, 0);              // internal attributes
            u32(directory, UNIX_REGULAR_644);
            u32(directory, offset);
            directory.writeBytes(name);
        }
        long directoryOffset = out.size();
        out.writeBytes(directory.toByteArray());
        // end of central directory record
        u32(out, 0x06054b50L);
        u16(out, 0);
        u16(out, 0);
        u16(out, entries.size());
        u16(out, entries.size());
        u32(out, directory.size());
        u32(out, directoryOffset);
        u16(out, 0);                        // comment length
        return out.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write(v >>> 8 & 0xFF);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        u16(out, (int) (v & 0xFFFF));
        u16(out, (int) (v >>> 16 & 0xFFFF));
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return startsWithAt(b, 0, prefix);
    }

    private static boolean startsWithAt(byte[] b, int offset, byte[] prefix) {
        if (offset < 0 || b.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithPrefix(byte[] b, byte[] signature) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexStart(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(4, b.length));
    }

    static String quote(String name) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : name.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('\'').toString();
    }
}
