package dev.reactivedfu.archive;

import java.util.List;

/**
 * A read and validated nrfutil DFU package: its images in send order (softdevice_bootloader, softdevice,
 * bootloader, application). Made by the package reader; immutable.
 *
 * @param source the file it was read from, for messages
 * @param images the images in send order, never empty
 */
public record DfuPackage(String source, List<FirmwareImage> images) {

    public DfuPackage {
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a package holds at least one image");
        }
    }

    /** Total firmware bytes over all images. */
    public long totalFirmwareBytes() {
        long total = 0;
        for (FirmwareImage image : images) {
            total += image.firmwareSize();
        }
        return total;
    }
}
