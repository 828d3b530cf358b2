package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.protocol.Mtu;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** What tells a line that changes bytes from one that loses frames, and the write size that cannot jam the device. */
class WriteSizingTest {

    private static long crc(byte[] b, int length) {
        CRC32 c = new CRC32();
        c.update(b, 0, length);
        return c.getValue();
    }

    @Test
    void a_byte_changed_anywhere_in_the_last_8_kib_is_recognised_from_the_two_crcs() {
        long seed = 20261202;
        System.out.println("WriteSizingTest seed " + seed);
        Random random = new Random(seed);
        for (int run = 0; run < 200; run++) {
            byte[] image = new byte[4096 + random.nextInt(8192)];
            random.nextBytes(image);
            byte[] received = image.clone();
            int at = image.length - 1 - random.nextInt(8192 - 1);
            received[Math.max(0, at)] ^= (byte) (1 + random.nextInt(255));
            assertThat(WriteSizing.oneByteChanged(crc(image, image.length), crc(received, image.length), 8192))
                    .as("run %d, byte %d of %d", run, at, image.length).isTrue();
        }
    }

    @Test
    void a_write_lost_whole_or_two_bytes_changed_are_not_taken_for_one_changed_byte() {
        Random random = new Random(7);
        int recognised = 0;
        for (int run = 0; run < 200; run++) {
            byte[] image = new byte[8192];
            random.nextBytes(image);
            // write 10 of 64 bytes is lost: the device holds the writes after it in its place, and as many bytes
            int lost = 64 * 10;
            byte[] received = image.clone();
            System.arraycopy(image, lost + 64, received, lost, 4096 - lost - 64);
            System.arraycopy(image, 4096, received, 4096 - 64, 64);
            byte[] twice = image.clone();
            twice[100] ^= 1;
            twice[3000] ^= (byte) 0x80;
            if (WriteSizing.oneByteChanged(crc(image, 4096), crc(received, 4096), 8192)
                    || WriteSizing.oneByteChanged(crc(image, 4096), crc(twice, 4096), 8192)) {
                recognised++;
            }
        }
        assertThat(recognised).isZero();
    }

    @Test
    void after_a_changed_byte_two_writes_joined_by_a_changed_end_stay_below_the_slip_buffer() {
        WriteSizing sizing = new WriteSizing("p");
        int uart = Mtu.maxWritePayload(Mtu.UART);
        int usb = Mtu.maxWritePayload(Mtu.USB_CDC);
        assertThat(sizing.chunk(uart, Mtu.UART)).isEqualTo(64);
        // two full frames and the changed END: 2 * (1 + 64) + 1 = 131, the whole buffer: jammed
        assertThat(2 * (1 + uart) + 1).isEqualTo(Mtu.UART);

        byte[] image = new byte[4096];
        new Random(3).nextBytes(image);
        byte[] received = image.clone();
        received[2000] ^= 0x10;
        sizing.fault(new CrcMismatchException(4096, crc(image, 4096), 4096, crc(received, 4096)), false);

        assertThat(sizing.changesBytes()).isTrue();
        assertThat(sizing.chunk(uart, Mtu.UART)).isEqualTo(63);
        assertThat(2 * (1 + sizing.chunk(uart, Mtu.UART)) + 1).isLessThan(Mtu.UART);
        assertThat(sizing.chunk(usb, Mtu.USB_CDC)).isEqualTo(1023);
        assertThat(sizing.chunk(20, Mtu.UART)).as("a smaller configured size stays").isEqualTo(20);
    }

    @Test
    void bytes_lost_or_a_device_silent_after_writes() {
        WriteSizing lost = new WriteSizing("p");
        lost.fault(new CrcMismatchException(4096, 1, 4095, 2), false);
        assertThat(lost.changesBytes()).as("a byte missing is not a byte changed").isFalse();

        WriteSizing silent = new WriteSizing("p");
        silent.fault(new CrcMismatchException(4096, 1, 4095, 2), true);
        assertThat(silent.changesBytes()).as("silent after writes: perhaps jammed").isTrue();
        assertThat(Arrays.asList(silent.chunk(64, 131))).containsExactly(63);
    }
}
