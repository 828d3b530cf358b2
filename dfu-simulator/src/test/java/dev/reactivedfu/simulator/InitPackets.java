package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.reactivedfu.archive.proto.DfuCc;

import java.util.function.Consumer;

/** Init packets made for tests from the fixtures' (unsigned packets, or the signed one with one thing changed). */
final class InitPackets {

    private InitPackets() {
    }

    /** The signed init packet of app_24k.zip. */
    static byte[] signedApp() {
        return Fixtures.images("app_24k.zip").get(0).dat();
    }

    /** The app_24k firmware. */
    static byte[] app24k() {
        return Fixtures.images("app_24k.zip").get(0).bin();
    }

    /** An unsigned packet: app_24k's init command with {@code change} applied. */
    static byte[] unsigned(Consumer<DfuCc.InitCommand.Builder> change) {
        DfuCc.InitCommand.Builder init = parse(Fixtures.images("app_24k_unsigned.zip").get(0).dat())
                .getCommand().getInit().toBuilder();
        change.accept(init);
        return DfuCc.Packet.newBuilder()
                .setCommand(DfuCc.Command.newBuilder().setOpCode(DfuCc.OpCode.INIT).setInit(init))
                .build().toByteArray();
    }

    /** The signed app packet with its signature type changed to {@code type} (signature bytes untouched). */
    static byte[] signedWithType(DfuCc.SignatureType type) {
        DfuCc.Packet p = parse(signedApp());
        return p.toBuilder().setSignedCommand(p.getSignedCommand().toBuilder().setSignatureType(type)).build()
                .toByteArray();
    }

    /** The signed app packet with one bit of its signature flipped. */
    static byte[] corruptedSignature() {
        byte[] dat = signedApp();
        dat[dat.length - 5] ^= 0x01; // the signature is the last field
        return dat;
    }

    /** The signed app packet with its init command's fw_version changed after signing. */
    static byte[] tamperedInitCommand() {
        DfuCc.Packet p = parse(signedApp());
        DfuCc.SignedCommand sc = p.getSignedCommand();
        DfuCc.Command cmd = sc.getCommand().toBuilder()
                .setInit(sc.getCommand().getInit().toBuilder().setFwVersion(99)).build();
        return p.toBuilder().setSignedCommand(sc.toBuilder().setCommand(cmd)).build().toByteArray();
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

    private static DfuCc.Packet parse(byte[] dat) {
        try {
            return DfuCc.Packet.parseFrom(dat);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
