package dev.reactivedfu.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectLayoutTest {

    private static final int PAGE = 4096;

    @Test
    void a_24_kib_image_is_six_full_pages() {
        ObjectLayout layout = new ObjectLayout(24_576, PAGE);

        assertThat(layout.objectCount()).isEqualTo(6);
        assertThat(layout.objectStart(5)).isEqualTo(20_480);
        assertThat(layout.objectLength(5)).isEqualTo(PAGE);
    }

    @Test
    void the_last_object_of_the_sd_bl_image_is_the_remainder() {
        ObjectLayout layout = new ObjectLayout(178_688, PAGE);   // 43 pages + 2560 bytes

        assertThat(layout.objectCount()).isEqualTo(44);
        assertThat(layout.objectStart(43)).isEqualTo(176_128);
        assertThat(layout.objectLength(43)).isEqualTo(2_560);
        assertThat(layout.objectLength(42)).isEqualTo(PAGE);
        long sum = 0;
        for (int i = 0; i < layout.objectCount(); i++) {
            sum += layout.objectLength(i);
        }
        assertThat(sum).isEqualTo(178_688);
    }

    @Test
    void an_image_smaller_than_a_page_is_one_short_object() {
        ObjectLayout layout = new ObjectLayout(141, 512);   // an init packet in one command object

        assertThat(layout.objectCount()).isEqualTo(1);
        assertThat(layout.objectLength(0)).isEqualTo(141);
    }

    @Test
    void an_empty_image_has_no_objects() {
        ObjectLayout layout = new ObjectLayout(0, PAGE);

        assertThat(layout.objectCount()).isZero();
        assertThat(layout.isBoundary(0)).isTrue();
        assertThatThrownBy(() -> layout.objectLength(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void offsets_map_to_the_object_they_fall_in_and_a_boundary_to_the_object_it_starts() {
        ObjectLayout layout = new ObjectLayout(10_000, PAGE);

        assertThat(layout.objectIndexAt(0)).isZero();
        assertThat(layout.objectIndexAt(4095)).isZero();
        assertThat(layout.objectIndexAt(4096)).isEqualTo(1);
        assertThat(layout.objectIndexAt(9_999)).isEqualTo(2);
        assertThatThrownBy(() -> layout.objectIndexAt(10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.objectIndexAt(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundaries_are_object_starts_and_the_image_end() {
        ObjectLayout layout = new ObjectLayout(10_000, PAGE);

        assertThat(layout.isBoundary(0)).isTrue();
        assertThat(layout.isBoundary(4096)).isTrue();
        assertThat(layout.isBoundary(8192)).isTrue();
        assertThat(layout.isBoundary(10_000)).isTrue();
        assertThat(layout.isBoundary(320)).isFalse();
        assertThat(layout.isBoundary(12_288)).as("a page multiple beyond the image").isFalse();
        assertThat(layout.isBoundary(-4096)).isFalse();
    }

    @Test
    void objects_beyond_the_last_are_refused() {
        ObjectLayout layout = new ObjectLayout(8192, PAGE);

        assertThatThrownBy(() -> layout.objectStart(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> layout.objectStart(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void a_layout_without_room_per_object_is_refused() {
        assertThatThrownBy(() -> new ObjectLayout(100, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectLayout(-1, PAGE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void images_above_2_gib_keep_correct_offsets() {
        ObjectLayout layout = new ObjectLayout(0xFFFF_FFFFL, PAGE);

        assertThat(layout.objectCount()).isEqualTo(1_048_576);
        assertThat(layout.objectStart(1_048_575)).isEqualTo(0xFFFF_F000L);
        assertThat(layout.objectLength(1_048_575)).isEqualTo(4095);
    }
}
