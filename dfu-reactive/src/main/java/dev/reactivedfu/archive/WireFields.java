package dev.reactivedfu.archive;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of one serialized protobuf message, read strictly: every byte belongs to exactly one well-formed field
 * (a truncated field, a group, an overlong varint or a varint past 64 bits is refused), and each field keeps the exact
 * bytes it was read from. It is the reader for the init packet, where what the signature covers must be exactly what
 * is interpreted, so nothing here merges, skips or reorders anything.
 */
final class WireFields {

    /** Protobuf wire types this reader accepts. */
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;

    /**
     * One field as it stands in the message.
     *
     * @param number   the field number
     * @param wireType {@link #VARINT} or {@link #LENGTH_DELIMITED}
     * @param varint   the value of a varint field (0 for a length-delimited one)
     * @param bytes    the payload of a length-delimited field (empty for a varint)
     */
    record Field(int number, int wireType, long varint, byte[] bytes) {
    }

    /** Why a message is not well-formed protobuf. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    private WireFields() {
    }

    /** The fields of {@code message}, in the order they stand. */
    static List<Field> read(byte[] message) throws MalformedException {
        List<Field> fields = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < message.length) {
            int start = pos[0];
            long tag = varint(message, pos, "a field tag at byte " + start);
            int wireType = (int) (tag & 7);
            long number = tag >>> 3;
            if (number < 1 || number > 536_870_911L) {
                throw new MalformedException("field number " + number + " at byte " + start + " is out of range");
            }
            switch (wireType) {
                case VARINT -> fields.add(new Field((int) number, VARINT,
                        varint(message, pos, "field " + number + "'s value"), new byte[0]));
                case LENGTH_DELIMITED -> {
                    long length = varint(message, pos, "field " + number + "'s length");
                    if (length > message.length - pos[0]) {
                        throw new MalformedException("field " + number + " declares " + Long.toUnsignedString(length)
                                + " bytes but only " + (message.length - pos[0]) + " follow (truncated)");
                    }
                    int from = pos[0];
                    pos[0] += (int) length;
                    fields.add(new Field((int) number, LENGTH_DELIMITED, 0,
                            Arrays.copyOfRange(message, from, pos[0])));
                }
                default -> throw new MalformedException("field " + number + " at byte " + start + " has wire type "
                        + wireType + ", which no init packet field uses");
            }
        }
        return fields;
    }

    /** The values of a packed repeated varint field's payload, in order. */
    static List<Long> packedVarints(byte[] payload) throws MalformedException {
        List<Long> values = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < payload.length) {
            values.add(varint(payload, pos, "packed value " + (values.size() + 1)));
        }
        return values;
    }

    /** Reads a canonical varint (at most 10 bytes, no redundant trailing zero groups) at {@code pos[0]}. */
    private static long varint(byte[] b, int[] pos, String what) throws MalformedException {
        long value = 0;
        int start = pos[0];
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new MalformedException(what + " is truncated");
            }
            int x = b[pos[0]++] & 0xFF;
            if (shift == 63 && x > 1) {
                throw new MalformedException(what + " does not fit 64 bits");
            }
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                if (x == 0 && pos[0] - start > 1) {
                    throw new MalformedException(what + " is an overlong varint (padded with zero groups)");
                }
                return value;
            }
        }
        throw new MalformedException(what + " is a varint longer than 10 bytes");
    }
}
