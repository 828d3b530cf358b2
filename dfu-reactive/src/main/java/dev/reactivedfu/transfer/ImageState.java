package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.protocol.ObjectType;

/**
 * Where one image of an update stands, shared by its connections: what it sends, whether it must restart, whether
 * the device is rebooting into it, whether its final EXECUTE was answered, and the object the engine is at (for
 * retry events and budgets). Touched only by the update's serial steps.
 */
final class ImageState {

    final int index;
    final int count;
    final FirmwareImage image;
    final ImageKind kind;
    final LocalImage init;
    final LocalImage firmware;
    final long startMillis;
    /** Until when a device rebooting into this image may take to answer (virtual-time millis). */
    final long rebootDeadline;
    boolean forceRestart;
    boolean awaitingReboot;
    boolean finalExecuted;
    /** The end of the data objects executed so far, as far as the device is known to still hold them. */
    long executedEnd;
    ObjectType currentType = ObjectType.COMMAND;
    int currentIndex;

    ImageState(int index, int count, FirmwareImage image, boolean forceRestart, long startMillis,
               long rebootDeadline) {
        this.index = index;
        this.count = count;
        this.image = image;
        this.kind = image.kind();
        this.init = new LocalImage(image.initPacket());
        this.firmware = new LocalImage(image.firmware());
        this.forceRestart = forceRestart;
        this.awaitingReboot = index > 0;
        this.startMillis = startMillis;
        this.rebootDeadline = rebootDeadline;
    }

    /** The engine is now at object {@code index} of {@code type}. */
    void at(ObjectType type, int index) {
        currentType = type;
        currentIndex = index;
    }

    /** The bytes of {@code type}: the init packet or the firmware. */
    LocalImage bytes(ObjectType type) {
        return type == ObjectType.COMMAND ? init : firmware;
    }
}
