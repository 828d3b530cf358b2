package dev.reactivedfu.archive.hex;

import dev.reactivedfu.archive.hex.FirmwareFiles.Kind;
import dev.reactivedfu.error.PackageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirmwareFilesTest {

    @TempDir
    Path dir;

    private Path hex(String name, IntelHex image) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, image.toHex());
        return file;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** The info struct magic 0x51B1E5DB as the 4 little-endian bytes a SoftDevice hex holds. */
    private static final byte[] MAGIC = {(byte) 0xDB, (byte) 0xE5, (byte) 0xB1, 0x51};

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"APPLICATION", "BOOTLOADER"})
    void uicr_records_are_left_out_as_nrfutil_leaves_them_out(Kind kind) throws IOException {
        // image 0x27000..0x270FF, UICR NRFFW[0] (bootloader start address) 0x10001014..0x10001017
        Path file = hex("fw.hex", IntelHex.builder().put(0x27000, filled(0x100, 0x11))
                .put(0x10001014L, new byte[] {0, (byte) 0xF0, 0x07, 0}).build());

        assertThat(FirmwareFiles.read(file, kind)).isEqualTo(filled(0x100, 0x11));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void data_in_ram_is_refused_naming_the_option_and_the_range(Kind kind) throws IOException {
        // image 0x27000..0x270FF, then 16 bytes at 0x20000000 (RAM): no image region holds them
        Path file = hex("fw.hex", IntelHex.builder().put(0x27000, filled(0x100, 0x11))
                .put(0x20000000L, filled(16, 0x33)).build());

        assertThatThrownBy(() -> FirmwareFiles.read(file, kind))
                .isInstanceOfSatisfying(PackageException.class,
                        e -> assertThat(e.fault()).isEqualTo(PackageException.Fault.OPTION))
                .hasMessageStartingWith(file + ": " + kind.option() + " holds data at 0x20000000..0x2000000F")
                .hasMessageContaining("outside nRF52 flash")
                .hasMessageNotContaining("\n");
    }

    @Test
    void data_above_nrf52_flash_is_refused() throws IOException {
        // the last word of flash 0xFFFFC is fine, 0x100000 is past nRF52840's 1 MiB
        Path ok = hex("ok.hex", IntelHex.of(0xFFFFC, filled(4, 0x22)));
        Path bad = hex("bad.hex", IntelHex.of(0xFFFFC, filled(8, 0x22)));

        assertThat(FirmwareFiles.read(ok, Kind.BOOTLOADER)).containsExactly(0x22, 0x22, 0x22, 0x22);
        assertThatThrownBy(() -> FirmwareFiles.read(bad, Kind.BOOTLOADER))
                .hasMessageContaining("--bootloader holds data at 0x00100000..0x00100003")
                .hasMessageContaining("above nRF52 flash");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"APPLICATION", "BOOTLOADER"})
    void application_or_bootloader_data_in_the_mbr_page_is_refused(Kind kind) throws IOException {
        // a merged hex: MBR 0x000..0x0FF, then the image at 0x1000 (nrfutil would silently drop the MBR bytes)
        Path file = hex("merged.hex", IntelHex.builder().put(0, filled(0x100, 0x33))
                .put(0x1000, filled(0x40, 0x44)).build());

        assertThatThrownBy(() -> FirmwareFiles.read(file, kind))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining(kind.option() + " holds data at 0x00000000..0x000000FF")
                .hasMessageContaining("image region 0x00001000..0x000FFFFF")
                .hasMessageContaining("MBR");
    }

    @Test
    void an_application_starting_at_the_mbr_end_is_taken_from_its_lowest_address() throws IOException {
        Path file = hex("app.hex", IntelHex.builder().put(0x1000, filled(3, 0x55)).put(0x1008, filled(1, 0x66))
                .build());

        // 0x1000..0x1008, the hole 0xFF, padded to 12 bytes
        assertThat(FirmwareFiles.read(file, Kind.APPLICATION)).containsExactly(
                0x55, 0x55, 0x55, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x66, 0xFF, 0xFF, 0xFF);
    }

    @Test
    void a_softdevice_leaves_out_its_mbr_as_nrfutil_does() throws IOException {
        // MBR 0x000..0x0FF; SoftDevice 0x1000..0x3FFF with its info struct magic at 0x3004 (nrfutil: "s1x0")
        byte[] sd = filled(0x3000, 0x77);
        System.arraycopy(MAGIC, 0, sd, 0x2004, 4);
        Path file = hex("sd.hex", IntelHex.builder().put(0, filled(0x100, 0x33)).put(0x1000, sd).build());

        assertThat(FirmwareFiles.read(file, Kind.SOFTDEVICE)).isEqualTo(sd);
        assertThat(FirmwareFiles.softDevice(file)).isEqualTo(sd);
    }

    @Test
    void a_softdevice_whose_info_struct_is_where_nrfutil_expects_s132_starts_at_0x3000() throws IOException {
        // MBR 0x000..0x0FF; data 0x1000..0x5FFF, magic not at 0x3004 but at 0x5004: nrfutil's "s132", MBR end 0x3000
        byte[] all = filled(0x5000, 0x77);
        Arrays.fill(all, 0, 0x2000, (byte) 0x99); // 0x1000..0x2FFF: left out as nrfutil leaves it out
        System.arraycopy(MAGIC, 0, all, 0x4004, 4);
        Path file = hex("s132.hex", IntelHex.builder().put(0, filled(0x100, 0x33)).put(0x1000, all).build());

        byte[] image = FirmwareFiles.read(file, Kind.SOFTDEVICE);

        assertThat(FirmwareFiles.mbrEnd(IntelHexReader.read(file))).isEqualTo(FirmwareFiles.S132_MBR_END);
        assertThat(image).isEqualTo(Arrays.copyOfRange(all, 0x2000, 0x5000));
    }

    @Test
    void the_magic_at_0x3004_wins_over_one_further_up() throws IOException {
        byte[] all = filled(0x5000, 0x77);
        System.arraycopy(MAGIC, 0, all, 0x2004, 4);
        System.arraycopy(MAGIC, 0, all, 0x3004, 4);
        Path file = hex("sd.hex", IntelHex.of(0x1000, all));

        assertThat(FirmwareFiles.mbrEnd(IntelHexReader.read(file))).isEqualTo(FirmwareFiles.MBR_SIZE);
        assertThat(FirmwareFiles.read(file, Kind.SOFTDEVICE)).isEqualTo(all);
    }

    @Test
    void a_hex_with_only_an_mbr_holds_no_softdevice() throws IOException {
        Path file = hex("mbr.hex", IntelHex.of(0, filled(0x100, 0x33)));

        assertThatThrownBy(() -> FirmwareFiles.read(file, Kind.SOFTDEVICE))
                .isInstanceOfSatisfying(PackageException.class,
                        e -> assertThat(e.fault()).isEqualTo(PackageException.Fault.HEX))
                .hasMessageContaining("holds no firmware data");
    }

    @Test
    void a_bin_is_taken_as_it_is_whatever_its_kind() throws IOException {
        Path file = dir.resolve("sd.bin");
        Files.write(file, new byte[] {1, 2, 3});

        for (Kind kind : Kind.values()) {
            assertThat(FirmwareFiles.read(file, kind)).containsExactly(1, 2, 3);
        }
    }
}
