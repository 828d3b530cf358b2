package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an update reports as it goes (see {@link DfuClient#update}). Each step of DESIGN.md's "One update, as data
 * flowing" emits one of these; a successful update ends with {@link UpdateDone}, a failed one with {@link Failed}
 * (followed by the error signal).
 *
 * <p>Object indices count from 0 within their type: the command object is always index 0, data object {@code i}
 * starts at {@code i × maxObjectSize} of the image.
 */
public sealed interface DfuEvent {

    /**
     * A connection is ready: the device answered a ping with its id, PRN is set and the MTU known.
     *
     * @param port      the transport's name
     * @param attempt   1 for the first connection of an image, more after reconnects
     * @param mtu       the device's MTU
     * @param writeSize data bytes per WRITE on this connection
     * @param prn       PRN interval set on the device
     * @param window    notifications' worth of writes allowed in flight
     */
    record Connected(String port, int attempt, int mtu, int writeSize, int prn, int window) implements DfuEvent {
    }

    /**
     * Versions the device reported, probed once per update; empty where the bootloader answered "opcode not
     * supported" (0x02), as pc-nrfutil-era bootloaders do.
     *
     * @param protocolVersion 1 on SDK 15–17
     * @param hardware        part, variant, memory sizes
     * @param firmware        the installed images, from image 0 (the bootloader) up
     */
    record DeviceInfo(OptionalInt protocolVersion, Optional<DfuResponse.HardwareVersion> hardware,
                      List<DfuResponse.FirmwareVersion> firmware) implements DfuEvent {
        public DeviceInfo {
            firmware = List.copyOf(firmware);
        }
    }

    /**
     * The device does not answer pings and the engine escalates: it pulsed the reset lines, or it now waits
     * {@code pause} for the bootloader's inactivity timer to reset the device. Followed by {@link Connected} when the
     * device answers again, or by {@link Failed} with a {@link dev.reactivedfu.error.DeviceUnresponsiveException}.
     *
     * @param port   the transport's name
     * @param action what the engine does about it, in words
     * @param pause  how long it waits before pinging again (zero when it pings at once)
     */
    record DeviceSilent(String port, String action, Duration pause) implements DfuEvent {
    }

    /** Image {@code image} (0-based, of {@code imageCount}) begins. */
    record ImageStarted(int image, int imageCount, ImageKind kind, int initPacketSize, long firmwareSize)
            implements DfuEvent {
    }

    /** A CREATE of an object at {@code offset} of {@code size} bytes was answered with success. */
    record ObjectCreated(ImageKind kind, ObjectType type, int index, long offset, long size) implements DfuEvent {
    }

    /**
     * The device held verified progress in an object: the engine continues from {@code offset} instead of sending
     * the object again.
     */
    record ObjectResumed(ImageKind kind, ObjectType type, int index, long offset, String reason) implements DfuEvent {
    }

    /**
     * Something failed and is tried again: on the same connection (after a ping and a fresh SELECT), or with a
     * new connection when {@code reconnect}.
     *
     * @param index   the object being worked on when it failed
     * @param attempt the retry's number within its image (1 for the first)
     * @param cause   what failed
     */
    record ObjectRetried(ImageKind kind, ObjectType type, int index, RetryReason reason, boolean reconnect,
                         int attempt, DfuException cause) implements DfuEvent {
        public ObjectRetried {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The device executed an object (or had already executed it); {@code offset} is the object's end. */
    record ObjectExecuted(ImageKind kind, ObjectType type, int index, long offset) implements DfuEvent {
    }

    /**
     * Data bytes of the current image handed to the port.
     *
     * @param bytes          offset reached in the image's firmware
     * @param total          the image's firmware size
     * @param percent        {@code bytes / total × 100}
     * @param bytesPerSecond bytes sent over the update so far divided by its elapsed time
     */
    record Progress(ImageKind kind, long bytes, long total, double percent, double bytesPerSecond)
            implements DfuEvent {
    }

    /** The device reported a CRC at {@code offset} that matches the local image (a PRN notification or CRC GET). */
    record CrcVerified(ImageKind kind, ObjectType type, long offset, long crc) implements DfuEvent {
    }

    /** Image {@code image} was executed and accepted by the device, which resets now. */
    record ImageDone(int image, ImageKind kind, Duration duration) implements DfuEvent {
    }

    /** The update completed; the last event of a successful update. */
    record UpdateDone(UpdateSummary summary) implements DfuEvent {
    }

    /**
     * The update failed; the last event before the error signal carrying the same {@code cause}. {@code summary}
     * counts what was done until then.
     */
    record Failed(DfuException cause, UpdateSummary summary) implements DfuEvent {
    }
}
