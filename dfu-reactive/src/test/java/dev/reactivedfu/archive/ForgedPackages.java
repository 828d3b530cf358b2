package dev.reactivedfu.archive;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.reactivedfu.archive.proto.DfuCc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The attacks of issue 8, built from the real signed fixture {@code app_24k.zip}: its {@code .bin} is changed after
 * signing, and its {@code .dat} keeps the signed bytes as nrfutil wrote them while a second occurrence of a field
 * carries an init command with the new firmware's hash. A reader that verifies the first occurrence and interprets
 * the merged message (protobuf keeps the last one) sees a valid signature and a valid hash.
 */
public final class ForgedPackages {

    /** Where the forged init command is put. */
    public enum Forgery {
        /** A second {@code command} inside the {@code signed_command}. */
        SECOND_COMMAND_IN_SIGNED_COMMAND,
        /** A second {@code signed_command} in the packet (the original signature copied). */
        SECOND_SIGNED_COMMAND,
        /** A second {@code init} inside the signed command's {@code command}. */
        SECOND_INIT_IN_COMMAND,
        /** A plain {@code command} beside the {@code signed_command}. */
        COMMAND_BESIDE_SIGNED_COMMAND,
        /** A second {@code hash} field appended to the signed init command itself (a repeated singular field). */
        REPEATED_HASH_FIELD
    }

    /** The fixture every forgery starts from. */
    public static final String BASE = Fixtures.APP_24K;

    private ForgedPackages() {
    }

    /** The forged package's zip bytes: the fixture's entries, in its order, with the .bin and .dat replaced. */
    public static byte[] zip(Forgery forgery) {
        Map<String, byte[]> entries = entries(Fixtures.bytes(BASE));
        byte[] bin = tamperedFirmware(entries.get("app_24k.bin"));
        entries.put("app_24k.bin", bin);
        entries.put("app_24k.dat", dat(forgery, entries.get("app_24k.dat"), bin));
        return TestPackages.zip(entries);
    }

    /** The firmware with its first bytes changed. */
    public static byte[] tamperedFirmware(byte[] original) {
        byte[] bin = original.clone();
        for (int i = 0; i < Math.min(16, bin.length); i++) {
            bin[i] ^= (byte) 0x5A;
        }
        return bin;
    }

    /** The forged {@code .dat}: the signed original plus the forgery, which names {@code bin}'s hash. */
    public static byte[] dat(Forgery forgery, byte[] signedDat, byte[] bin) {
        try {
            DfuCc.Packet original = DfuCc.Packet.parseFrom(signedDat);
            DfuCc.InitCommand forgedInit = original.getSignedCommand().getCommand().getInit().toBuilder()
                    .setHash(DfuCc.Hash.newBuilder().setHashType(DfuCc.HashType.SHA256)
                            .setHash(ByteString.copyFrom(Sha256.initPacketHash(bin))))
                    .build();
            DfuCc.Command forgedCommand = DfuCc.Command.newBuilder().setOpCode(DfuCc.OpCode.INIT)
                    .setInit(forgedInit).build();
            byte[] signedCommand = original.getSignedCommand().toByteArray();
            byte[] command = original.getSignedCommand().getCommand().toByteArray();
            byte[] init = original.getSignedCommand().getCommand().getInit().toByteArray();
            return switch (forgery) {
                case SECOND_COMMAND_IN_SIGNED_COMMAND ->
                        field(2, concat(signedCommand, field(1, forgedCommand.toByteArray())));
                case SECOND_SIGNED_COMMAND -> concat(signedDat, field(2, original.getSignedCommand().toBuilder()
                        .setCommand(forgedCommand).build().toByteArray()));
                case SECOND_INIT_IN_COMMAND -> field(2, concat(field(1, concat(command,
                        field(2, forgedInit.toByteArray()))), tail(original)));
                case COMMAND_BESIDE_SIGNED_COMMAND -> concat(signedDat, field(1, forgedCommand.toByteArray()));
                case REPEATED_HASH_FIELD -> field(2, concat(field(1, concat(new byte[]{0x08, 0x01},
                        field(2, concat(init, field(8, forgedInit.getHash().toByteArray()))))), tail(original)));
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a merging reader ({@code Packet.parseFrom}) takes the forged packet's init command to be. */
    public static DfuCc.InitCommand asMerged(byte[] dat) throws InvalidProtocolBufferException {
        DfuCc.Packet p = DfuCc.Packet.parseFrom(dat);
        return p.hasSignedCommand() ? p.getSignedCommand().getCommand().getInit() : p.getCommand().getInit();
    }

    /** The signed command's signature_type and signature fields, serialized. */
    private static byte[] tail(DfuCc.Packet original) {
        return original.getSignedCommand().toBuilder().clearCommand().buildPartial().toByteArray();
    }

    /** A length-delimited field. */
    public static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3 | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A zip's entries in order, read without checks. */
    public static Map<String, byte[]> entries(byte[] zip) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Every forgery. */
    public static List<Forgery> all() {
        return List.of(Forgery.values());
    }
}
