package dev.reactivedfu.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCrcTest {

    @Test
    void crc_is_crc32_ieee_with_the_standard_check_value() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);

        assertThat(ImageCrc.upTo(check, check.length)).isEqualTo(0xCBF43926L);
    }

    @Test
    void crc_of_nothing_is_zero_as_a_fresh_device_reports_it() {
        assertThat(ImageCrc.upTo(new byte[100], 0)).isZero();
    }

    @Test
    void crc_runs_across_objects_from_offset_zero_not_per_object() {
        byte[] image = new byte[3 * 4096 + 100];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31 + 7);
        }
        CRC32 running = new CRC32();
        running.update(image, 0, 4096);
        running.update(image, 4096, 4096 + 50);

        assertThat(ImageCrc.upTo(image, 2 * 4096 + 50)).isEqualTo(running.getValue());
        CRC32 secondObjectOnly = new CRC32();
        secondObjectOnly.update(image, 4096, 4096);
        assertThat(ImageCrc.upTo(image, 2 * 4096)).isNotEqualTo(secondObjectOnly.getValue());
    }

    @Test
    void crc_is_unsigned_even_when_the_top_bit_is_set() {
        byte[] image = new byte[] {(byte) 0xFF};   // CRC-32 of FF is 0xFF000000

        assertThat(ImageCrc.upTo(image, 1)).isEqualTo(0xFF000000L).isPositive();
    }

    @Test
    void crc_up_to_the_whole_image_covers_every_byte() {
        byte[] image = new byte[4096];
        long before = ImageCrc.upTo(image, image.length);
        byte[] changed = Arrays.copyOf(image, image.length);
        changed[image.length - 1] = 1;

        assertThat(ImageCrc.upTo(changed, changed.length)).isNotEqualTo(before);
        assertThat(ImageCrc.upTo(changed, changed.length - 1)).isEqualTo(ImageCrc.upTo(image, image.length - 1));
    }

    @Test
    void an_offset_outside_the_image_is_refused() {
        assertThatThrownBy(() -> ImageCrc.upTo(new byte[10], 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 11");
        assertThatThrownBy(() -> ImageCrc.upTo(new byte[10], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extending_a_crc_at_any_split_equals_the_crc_of_the_whole_prefix() {
        long seed = 20261125L;
        byte[] image = new byte[5000];
        new java.util.Random(seed).nextBytes(image);
        for (int split : new int[] {0, 1, 63, 64, 65, 4095, 4096, 4999, 5000}) {
            assertThat(ImageCrc.extend(ImageCrc.upTo(image, split), image, split, image.length - split))
                    .as("split at %d (seed %d)", split, seed).isEqualTo(ImageCrc.upTo(image, image.length));
        }
        assertThat(ImageCrc.extend(0, image, 0, 0)).isZero();
    }
}
