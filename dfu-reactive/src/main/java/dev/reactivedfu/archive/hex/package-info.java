/**
 * Intel HEX: {@link dev.reactivedfu.archive.hex.IntelHex} (a sparse memory image), its strict reader (records 00
 * to 05, checksums verified, overlapping or out-of-order data refused with the line number) and a writer producing
 * the record layout nrfutil (Python {@code intelhex}) writes, so generated files compare equal line for line.
 */
package dev.reactivedfu.archive.hex;
