package dev.reactivedfu.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which CPython iterates {@code set(list_of_small_ints)}: nrfutil writes {@code sd_req} as
 * {@code list(set(sd_req))}, so {@code --sd-req 0xCA,0x0100} comes out as {@code 0x100, 0xCA} (the reference package
 * shows it). A non-negative int hashes to itself; the table starts at 8 slots, probes 9 slots linearly, then
 * perturbs ({@code i = i*5 + 1 + perturb}, {@code perturb >>= 5}), and grows to the smallest power of two above
 * {@code 4 * used} once it is three-fifths full, re-inserting in table order.
 */
final class PythonSetOrder {

    private static final int LINEAR_PROBES = 9;
    private static final int PERTURB_SHIFT = 5;
    private static final int MIN_SIZE = 8;

    private PythonSetOrder() {
    }

    /** {@code values} without duplicates, in CPython's set iteration order. */
    static List<Integer> of(List<Integer> values) {
        long[] table = empty(MIN_SIZE);
        int fill = 0;
        for (int v : values) {
            long key = Integer.toUnsignedLong(v);
            if (contains(table, key)) {
                continue;
            }
            insert(table, key);
            fill++;
            int mask = table.length - 1;
            if ((long) fill * 5 >= (long) mask * 3) {
                int size = MIN_SIZE;
                while (size <= fill * 4) {
                    size <<= 1;
                }
                long[] bigger = empty(size);
                for (long k : table) {
                    if (k >= 0) {
                        insert(bigger, k);
                    }
                }
                table = bigger;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (long k : table) {
            if (k >= 0) {
                out.add((int) k);
            }
        }
        return out;
    }

    private static long[] empty(int size) {
        long[] t = new long[size];
        java.util.Arrays.fill(t, -1);
        return t;
    }

    private static boolean contains(long[] table, long key) {
        for (long k : table) {
            if (k == key) {
                return true;
            }
        }
        return false;
    }

    private static void insert(long[] table, long hash) {
        int mask = table.length - 1;
        long perturb = hash;
        int i = (int) (hash & mask);
        while (true) {
            int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
            for (int j = i; j <= i + probes; j++) {
                if (table[j] < 0) {
                    table[j] = hash;
                    return;
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }
}
