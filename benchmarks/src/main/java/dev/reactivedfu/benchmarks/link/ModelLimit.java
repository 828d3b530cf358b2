package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.Slip;

import java.time.Duration;
import java.util.Arrays;

/**
 * The fastest an update of one image can be on a link (DESIGN.md, "Performance model"), worked out from the frames a
 * minimal host must send: the wire time of every host frame with its SLIP escapes (init packet and firmware writes,
 * CREATE, EXECUTE, the set-up requests), the page erase each data CREATE waits for before it answers (it cannot
 * overlap the wire), and the exchanges the protocol forces one at a time, each costing twice the adapter latency plus
 * its answer's wire time: per data object its CREATE, the wait for the notification on its last write, its EXECUTE;
 * for the set-up a ping, SET PRN, MTU, two SELECTs, the init packet's CREATE, notification and EXECUTE (which saves
 * the settings). Word writes overlap the wire and are not counted.
 *
 * @param wire       host bytes on the wire
 * @param erases     page erases that cannot overlap
 * @param exchanges  round trips forced by the protocol
 * @param settings   the init packet's settings save
 * @param total      their sum
 */
public record ModelLimit(Duration wire, Duration erases, Duration exchanges, Duration settings, Duration total) {

    /** Answer frame of a plain acknowledgement ({@code 60 op 01} and END) and of a CRC ({@code + 8 bytes}). */
    private static final int ACK = 4;
    private static final int CRC_ANSWER = 12;

    /**
     * The limit for {@code image} at {@code baud} with {@code latency} each way, an MTU of {@code mtu} and
     * {@code pageErase} per 4 KiB page; {@code settingsSave} for the init packet's EXECUTE.
     */
    public static ModelLimit of(FirmwareImage image, long baud, Duration latency, int mtu, Duration pageErase,
                                Duration settingsSave) {
        int chunk = Mtu.maxWritePayload(mtu);
        long hostBytes = 0;
        byte[] init = image.initPacket();
        byte[] fw = image.firmware();
        hostBytes += writes(init, chunk);
        hostBytes += writes(fw, chunk);
        int objects = (fw.length + 4095) / 4096;
        hostBytes += frame(new DfuRequest.Create(ObjectType.COMMAND, init.length))
                + frame(new DfuRequest.Execute());
        for (int k = 0; k < objects; k++) {
            hostBytes += frame(new DfuRequest.Create(ObjectType.DATA, Math.min(4096, fw.length - 4096L * k)))
                    + frame(new DfuRequest.Execute());
        }
        // set-up: ping, SET PRN, MTU GET, SELECT x2
        hostBytes += frame(new DfuRequest.Ping(1)) + frame(new DfuRequest.SetPrn(1)) + frame(new DfuRequest.MtuGet())
                + 2L * frame(new DfuRequest.Select(ObjectType.DATA));
        double byteNanos = 10e9 / baud;
        Duration wire = Duration.ofNanos(Math.round(hostBytes * byteNanos));
        Duration erases = pageErase.multipliedBy(objects);
        long rtt = 2 * latency.toNanos();
        long exchanges = 0;
        // data objects: CREATE and EXECUTE acknowledged, the last write's notification
        exchanges += objects * (2 * (rtt + Math.round(ACK * byteNanos)) + rtt + Math.round(CRC_ANSWER * byteNanos));
        // set-up: ping, SET PRN, MTU, SELECT x2, init CREATE, its notification, its EXECUTE
        exchanges += 5 * (rtt + Math.round(CRC_ANSWER * byteNanos)) + 3 * (rtt + Math.round(ACK * byteNanos));
        Duration ex = Duration.ofNanos(exchanges);
        return new ModelLimit(wire, erases, ex, settingsSave, wire.plus(erases).plus(ex).plus(settingsSave));
    }

    /** SLIP-encoded bytes of the WRITEs carrying {@code bytes} in chunks of {@code chunk}. */
    private static long writes(byte[] bytes, int chunk) {
        long total = 0;
        for (int off = 0; off < bytes.length; off += chunk) {
            byte[] data = Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + chunk));
            total += frame(new DfuRequest.Write(data));
        }
        return total;
    }

    private static long frame(DfuRequest request) {
        return Slip.encodedLength(DfuCodec.encodeRequest(request));
    }
}
