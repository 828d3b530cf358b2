package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The strict structural check of an init packet: it accepts exactly the packets nrfutil can write (dfu-cc.proto as
 * nrfutil fills it in) and finds the serialized {@code InitCommand} inside them, the bytes that the signature covers
 * and that are then parsed.
 *
 * <p>Rules, message by message (issue 8: protobuf merges a repeated singular field, last one wins, so a second
 * occurrence could change what is read without changing what is signed):
 * <ol>
 *   <li>{@code Packet}: exactly one of {@code command} (1) and {@code signed_command} (2), once.</li>
 *   <li>{@code SignedCommand}: {@code command} (1), {@code signature_type} (2, a known type) and {@code signature}
 *       (3), each exactly once.</li>
 *   <li>{@code Command}: {@code op_code} (1) INIT and {@code init} (2), each once; no {@code reset} (3).</li>
 *   <li>{@code InitCommand}: every field at most once except {@code boot_validation} (10); {@code sd_req} (3) packed,
 *       as nrfutil writes it; enum values known; integers within uint32, {@code is_debug} 0 or 1.</li>
 *   <li>{@code Hash} and {@code BootValidation}: both their fields exactly once, a known type.</li>
 *   <li>Every field has the wire type of the schema; unknown fields are refused; a truncated field or a length
 *       running past its message is malformed ({@link Fault#INIT_PACKET}).</li>
 * </ol>
 * Field order is not checked: protobuf readers (and the bootloader's nanopb) take fields in any order, and with no
 * field repeated the order cannot change the meaning.
 */
final class InitPacketStructure {

    /**
     * What the check found.
     *
     * @param initCommand   the serialized InitCommand, as it stands in the packet
     * @param signatureType the signature type, empty for an unsigned packet
     * @param signature     the signature bytes, empty for an unsigned packet
     */
    record Parts(byte[] initCommand, Optional<DfuCc.SignatureType> signatureType, byte[] signature) {
    }

    /** How a field of a message may appear. */
    private enum Occurs { ONCE, OPTIONAL, REPEATED }

    /** One field of the schema; {@code maxValue} bounds a varint (an enum's highest value, uint32), else -1. */
    private record Spec(String name, int wireType, Occurs occurs, long maxValue) {
    }

    private static final long UINT32 = 0xFFFF_FFFFL;

    private static final Map<Integer, Spec> PACKET = Map.of(
            1, new Spec("command", WireFields.LENGTH_DELIMITED, Occurs.OPTIONAL, -1),
            2, new Spec("signed_command", WireFields.LENGTH_DELIMITED, Occurs.OPTIONAL, -1));
    private static final Map<Integer, Spec> SIGNED_COMMAND = Map.of(
            1, new Spec("command", WireFields.LENGTH_DELIMITED, Occurs.ONCE, -1),
            2, new Spec("signature_type", WireFields.VARINT, Occurs.ONCE, maxEnum(DfuCc.SignatureType.values())),
            3, new Spec("signature", WireFields.LENGTH_DELIMITED, Occurs.ONCE, -1));
    private static final Map<Integer, Spec> COMMAND = Map.of(
            1, new Spec("op_code", WireFields.VARINT, Occurs.ONCE, maxEnum(DfuCc.OpCode.values())),
            2, new Spec("init", WireFields.LENGTH_DELIMITED, Occurs.ONCE, -1),
            3, new Spec("reset", WireFields.LENGTH_DELIMITED, Occurs.OPTIONAL, -1));
    private static final Map<Integer, Spec> INIT_COMMAND = Map.of(
            1, new Spec("fw_version", WireFields.VARINT, Occurs.OPTIONAL, UINT32),
            2, new Spec("hw_version", WireFields.VARINT, Occurs.OPTIONAL, UINT32),
            3, new Spec("sd_req", WireFields.LENGTH_DELIMITED, Occurs.OPTIONAL, -1),
            4, new Spec("type", WireFields.VARINT, Occurs.OPTIONAL, maxEnum(DfuCc.FwType.values())),
            5, new Spec("sd_size", WireFields.VARINT, Occurs.OPTIONAL, UINT32),
            6, new Spec("bl_size", WireFields.VARINT, Occurs.OPTIONAL, UINT32),
            7, new Spec("app_size", WireFields.VARINT, Occurs.OPTIONAL, UINT32),
            8, new Spec("hash", WireFields.LENGTH_DELIMITED, Occurs.OPTIONAL, -1),
            9, new Spec("is_debug", WireFields.VARINT, Occurs.OPTIONAL, 1),
            10, new Spec("boot_validation", WireFields.LENGTH_DELIMITED, Occurs.REPEATED, -1));
    private static final Map<Integer, Spec> HASH = Map.of(
            1, new Spec("hash_type", WireFields.VARINT, Occurs.ONCE, maxEnum(DfuCc.HashType.values())),
            2, new Spec("hash", WireFields.LENGTH_DELIMITED, Occurs.ONCE, -1));
    private static final Map<Integer, Spec> BOOT_VALIDATION = Map.of(
            1, new Spec("type", WireFields.VARINT, Occurs.ONCE, maxEnum(DfuCc.ValidationType.values())),
            2, new Spec("bytes", WireFields.LENGTH_DELIMITED, Occurs.ONCE, -1));

    private InitPacketStructure() {
    }

    /**
     * Checks {@code dat} and returns its parts.
     *
     * @param source names the file in errors
     * @throws PackageException {@link Fault#INIT_PACKET} when the bytes are not well-formed protobuf or hold no INIT
     *                          command, {@link Fault#NONSTANDARD_INIT_PACKET} when they break a rule above
     */
    static Parts check(String source, byte[] dat) {
        Message packet = message(source, "Packet", dat, PACKET);
        List<WireFields.Field> plain = packet.all(1);
        List<WireFields.Field> signed = packet.all(2);
        if (!plain.isEmpty() && !signed.isEmpty()) {
            throw nonstandard(source, "it holds a command beside the signed_command (nrfutil writes one or the "
                    + "other; the unsigned one would be read but not be covered by the signature)");
        }
        if (plain.isEmpty() && signed.isEmpty()) {
            throw new PackageException(source, Fault.INIT_PACKET,
                    "init packet holds neither command nor signed_command");
        }
        packet.requireKnown();
        if (!signed.isEmpty()) {
            Message sc = message(source, "signed_command", signed.get(0).bytes(), SIGNED_COMMAND).requireComplete();
            byte[] init = initCommand(source, "signed_command.command", sc.one(1).bytes());
            DfuCc.SignatureType type = DfuCc.SignatureType.forNumber((int) sc.one(2).varint());
            return new Parts(init, Optional.of(type), sc.one(3).bytes());
        }
        return new Parts(initCommand(source, "command", plain.get(0).bytes()), Optional.empty(), new byte[0]);
    }

    /** Checks a Command and its InitCommand; returns the InitCommand's bytes. */
    private static byte[] initCommand(String source, String where, byte[] command) {
        Message fields = message(source, where, command, COMMAND);
        if (fields.has(1) && fields.one(1).varint() != DfuCc.OpCode.INIT.getNumber() || !fields.has(2)) {
            throw new PackageException(source, Fault.INIT_PACKET, "init packet's command is "
                    + (fields.has(1) ? DfuCc.OpCode.forNumber((int) fields.one(1).varint()) : "without op_code")
                    + ", not INIT with an init command");
        }
        fields.requireComplete();
        if (fields.has(3)) {
            throw nonstandard(source, where + " holds a reset command beside the init command");
        }
        byte[] init = fields.one(2).bytes();
        Message initFields = message(source, where + ".init", init, INIT_COMMAND).requireComplete();
        for (WireFields.Field sdReq : initFields.all(3)) {
            List<Long> ids;
            try {
                ids = WireFields.packedVarints(sdReq.bytes());
            } catch (WireFields.MalformedException e) {
                throw new PackageException(source, Fault.INIT_PACKET,
                        "init packet's " + where + ".init.sd_req: " + e.getMessage(), e);
            }
            for (long id : ids) {
                if (Long.compareUnsigned(id, UINT32) > 0) {
                    throw nonstandard(source, where + ".init.sd_req holds " + Long.toUnsignedString(id)
                            + ", which does not fit its uint32");
                }
            }
        }
        for (WireFields.Field hash : initFields.all(8)) {
            message(source, where + ".init.hash", hash.bytes(), HASH).requireComplete();
        }
        for (WireFields.Field validation : initFields.all(10)) {
            message(source, where + ".init.boot_validation", validation.bytes(), BOOT_VALIDATION).requireComplete();
        }
        return init;
    }

    /** A message's fields by number, with what the schema found wrong, reported when the caller asks. */
    private static final class Message {
        private final String source;
        private final String where;
        private final Map<Integer, Spec> schema;
        private final Map<Integer, List<WireFields.Field>> byNumber = new HashMap<>();
        private final List<WireFields.Field> unknown = new ArrayList<>();

        private Message(String source, String where, Map<Integer, Spec> schema) {
            this.source = source;
            this.where = where;
            this.schema = schema;
        }

        boolean has(int number) {
            return byNumber.containsKey(number);
        }

        WireFields.Field one(int number) {
            return byNumber.get(number).get(0);
        }

        List<WireFields.Field> all(int number) {
            return byNumber.getOrDefault(number, List.of());
        }

        /** Refuses a missing required field ({@link Fault#INIT_PACKET}) or an unknown one. */
        Message requireComplete() {
            for (Map.Entry<Integer, Spec> e : schema.entrySet()) {
                if (e.getValue().occurs() == Occurs.ONCE && !byNumber.containsKey(e.getKey())) {
                    throw new PackageException(source, Fault.INIT_PACKET, "init packet's " + where + " has no "
                            + e.getValue().name() + ", which it requires");
                }
            }
            return requireKnown();
        }

        /** Refuses an unknown field. */
        Message requireKnown() {
            if (!unknown.isEmpty()) {
                WireFields.Field f = unknown.get(0);
                throw nonstandard(source, where + " holds unknown field " + f.number()
                        + (f.wireType() == WireFields.VARINT ? " (a varint)" : " (" + f.bytes().length + " bytes)"));
            }
            return this;
        }
    }

    /**
     * Reads a message's fields, refusing malformed bytes ({@link Fault#INIT_PACKET}), a field of the wrong wire type,
     * a value out of range and a repeated singular field; unknown fields are kept for
     * {@link Message#requireKnown()}.
     */
    private static Message message(String source, String where, byte[] bytes, Map<Integer, Spec> schema) {
        List<WireFields.Field> read;
        try {
            read = WireFields.read(bytes);
        } catch (WireFields.MalformedException e) {
            throw new PackageException(source, Fault.INIT_PACKET,
                    "init packet is not a valid protobuf Packet: " + where + ": " + e.getMessage(), e);
        }
        Message message = new Message(source, where, schema);
        for (WireFields.Field f : read) {
            Spec spec = schema.get(f.number());
            if (spec == null) {
                message.unknown.add(f);
                continue;
            }
            if (spec.wireType() != f.wireType()) {
                throw nonstandard(source, where + "." + spec.name() + " has wire type " + f.wireType()
                        + " instead of " + spec.wireType());
            }
            if (spec.maxValue() >= 0 && Long.compareUnsigned(f.varint(), spec.maxValue()) > 0) {
                throw nonstandard(source, where + "." + spec.name() + " is " + Long.toUnsignedString(f.varint())
                        + ", " + (spec.maxValue() == UINT32 ? "which does not fit its uint32" : "not a known value"));
            }
            List<WireFields.Field> same = message.byNumber.computeIfAbsent(f.number(), k -> new ArrayList<>());
            same.add(f);
            if (same.size() > 1 && spec.occurs() != Occurs.REPEATED) {
                throw nonstandard(source, where + "." + spec.name() + " appears more than once (protobuf would "
                        + "keep the last one, which the signature need not cover)");
            }
        }
        return message;
    }

    private static PackageException nonstandard(String source, String detail) {
        return new PackageException(source, Fault.NONSTANDARD_INIT_PACKET,
                "init packet refused, nrfutil never writes one like it: " + detail);
    }

    private static long maxEnum(Enum<?>[] values) {
        long max = 0;
        for (Enum<?> v : values) {
            max = Math.max(max, ((com.google.protobuf.ProtocolMessageEnum) v).getNumber());
        }
        return max;
    }
}
