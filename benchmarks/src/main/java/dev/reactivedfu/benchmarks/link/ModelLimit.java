package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.Slip;
import dev.reactivedfu.simulator.MemoryLayout;
import dev.reactivedfu.simulator.SimulatorConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The fastest an update of one image to a fresh board can be on a simulated link (DESIGN.md, "Performance model"),
 * worked out frame by frame along the critical path of a minimal host. What the host must do:
 * <ul>
 *   <li>send one request at a time and wait for its answer (DESIGN.md: a second request sent before the first one's
 *       answer has left the wire can lose it); only WRITEs are streamed, and only into an object whose CREATE was
 *       answered;</li>
 *   <li>set up a connection as every safe host must: PING, SET PRN, MTU GET, SELECT of the command object, then the
 *       init packet (CREATE, its writes, the notification on its last write, EXECUTE), SELECT of the data object;</li>
 *   <li>per data object: CREATE, the writes, the notification on the last write (the cheapest check of the object's
 *       end: a CRC GET costs the same round trip and its own frame), EXECUTE.</li>
 * </ul>
 * What the device takes (the simulator's model, {@code SimulatedDevice}): every byte {@code 10 / baud} s after the
 * adapter's latency; {@link SimulatorConfig#responseTime()} before each answer; a data CREATE's page erase and the
 * init packet's settings save (two erases, two writes of the settings structure) before their answers; a WRITE's
 * words after its answer. Word writes are charged only where they cannot overlap the wire: with flow control the
 * board holds the line while flash halts its CPU, so every word write but the last write's (hidden behind the
 * notification's round trip where the latency allows) adds to the wire; without flow control the line keeps
 * receiving, and only the CPU falling behind the line (flash slower than the wire, as with 1024-byte USB CDC writes)
 * and the last write's words not hidden by the round trip are charged.
 *
 * @param wire      host bytes on the wire (every frame, with its SLIP escapes)
 * @param erases    page erases that cannot overlap (one per data CREATE)
 * @param words     word writes that cannot overlap the wire
 * @param exchanges the round trips the protocol forces: twice the latency, the answer's CPU time and wire time each
 * @param settings  the init packet's settings save
 * @param total     their sum
 */
public record ModelLimit(Duration wire, Duration erases, Duration words, Duration exchanges, Duration settings,
                         Duration total) {

    /** Sizes of the objects the minimal host sends. */
    static final int DATA_OBJECT = MemoryLayout.DATA_OBJECT_MAX_SIZE;

    /** The limit for {@code image} sent to a fresh board configured as {@code device}. */
    public static ModelLimit of(FirmwareImage image, SimulatorConfig device) {
        return new Timeline(device).run(image);
    }

    /** The critical path, in nanoseconds from the host's first byte; each part accumulated where it happens. */
    private static final class Timeline {
        private final double byteNanos;
        private final long latency;
        private final long response;
        private final long erase;
        private final long word;
        private final boolean flowControl;
        private final int chunk;
        private final int mtu;
        private long wire;
        private long erases;
        private long settings;
        private long exchanges;
        // when the host sends its next frame; when the board's CPU (and with flow control its line) is free
        private long now;
        private long cpuFree;

        Timeline(SimulatorConfig device) {
            this.byteNanos = 10e9 / device.baud();
            this.latency = device.latency().toNanos();
            this.response = device.responseTime().toNanos();
            this.erase = device.flashTiming().pageErase().toNanos();
            this.word = device.flashTiming().wordWrite().toNanos();
            this.flowControl = device.flowControl();
            this.mtu = device.mtu();
            this.chunk = Mtu.maxWritePayload(mtu);
        }

        ModelLimit run(FirmwareImage image) {
            byte[] init = image.initPacket();
            byte[] fw = image.firmware();
            exchange(new DfuRequest.Ping(1), new DfuResponse.Ping(1), 0);
            exchange(new DfuRequest.SetPrn(1), new DfuResponse.Ack(OpCode.SET_PRN), 0);
            exchange(new DfuRequest.MtuGet(), new DfuResponse.Mtu(mtu), 0);
            exchange(new DfuRequest.Select(ObjectType.COMMAND),
                    new DfuResponse.Select(MemoryLayout.INIT_COMMAND_MAX_SIZE, 0, 0), 0);
            exchange(new DfuRequest.Create(ObjectType.COMMAND, init.length), new DfuResponse.Ack(OpCode.CREATE), 0);
            CRC32 initCrc = new CRC32();
            initCrc.update(init);
            writes(init, 0, init.length, initCrc.getValue(), false);
            long save = 2 * erase + 2L * (MemoryLayout.SETTINGS_STRUCT_SIZE / 4) * word;
            settings += save;
            exchange(new DfuRequest.Execute(), new DfuResponse.Ack(OpCode.EXECUTE), save);
            exchange(new DfuRequest.Select(ObjectType.DATA), new DfuResponse.Select(DATA_OBJECT, 0, 0), 0);
            CRC32 crc = new CRC32();
            for (int off = 0; off < fw.length; off += DATA_OBJECT) {
                int size = Math.min(DATA_OBJECT, fw.length - off);
                erases += erase;
                exchange(new DfuRequest.Create(ObjectType.DATA, size), new DfuResponse.Ack(OpCode.CREATE), erase);
                crc.update(fw, off, size);
                writes(fw, off, off + size, crc.getValue(), true);
                exchange(new DfuRequest.Execute(), new DfuResponse.Ack(OpCode.EXECUTE), 0);
            }
            long words = now - wire - erases - settings - exchanges;
            return new ModelLimit(Duration.ofNanos(wire), Duration.ofNanos(erases), Duration.ofNanos(words),
                    Duration.ofNanos(exchanges), Duration.ofNanos(settings), Duration.ofNanos(now));
        }

        /** A request sent now, taken by the board, answered after {@code before} of flash work, back at the host. */
        private void exchange(DfuRequest request, DfuResponse answer, long before) {
            long out = frame(request);
            long back = answerWire(answer);
            wire += out;
            exchanges += 2 * latency + response + back;
            long ready = now + latency;
            // with flow control the bytes start only once flash lets the line go; without, they queue in a buffer
            long taken = flowControl ? Math.max(ready, cpuFree) + out : Math.max(ready + out, cpuFree);
            long answered = taken + before + response;
            cpuFree = answered;
            now = answered + back + latency;
        }

        /**
         * The writes of {@code bytes[from, end)} sent at once, then the notification on the last one (its CRC
         * {@code crc}) back at the host; with {@code flash} (data writes) each write's words halt the CPU after it
         * was taken (after the answer, for the last one).
         */
        private void writes(byte[] bytes, int from, int end, long crc, boolean flash) {
            long lineFree = now + latency;
            long taken = lineFree;
            for (int off = from; off < end; off += chunk) {
                int len = Math.min(chunk, end - off);
                long f = frame(new DfuRequest.Write(Arrays.copyOfRange(bytes, off, off + len)));
                long w = flash ? (len + 3) / 4 * word : 0;
                boolean last = off + chunk >= end;
                wire += f;
                if (flowControl) {
                    lineFree = Math.max(lineFree, cpuFree) + f;
                    taken = lineFree;
                } else {
                    lineFree += f;
                    taken = Math.max(lineFree, cpuFree);
                }
                cpuFree = taken + (last ? response : 0) + w;
            }
            long back = answerWire(new DfuResponse.Crc(end, crc));
            exchanges += 2 * latency + response + back;
            now = taken + response + back + latency;
        }

        private long answerWire(DfuResponse answer) {
            return Math.round(Slip.encodedLength(DfuCodec.encodeResponse(answer)) * byteNanos);
        }

        private long frame(DfuRequest request) {
            return Math.round(Slip.encodedLength(DfuCodec.encodeRequest(request)) * byteNanos);
        }
    }
}
