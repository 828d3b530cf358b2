/**
 * Signing keys as nrfutil handles them: P-256 private keys in PEM ({@link dev.reactivedfu.archive.keys.SigningKey}:
 * generate, read, sign in nrfutil's little-endian r‖s form) and the texts of {@code nrfutil keys display}
 * ({@link dev.reactivedfu.archive.keys.KeyText}: PEM, hex, C code for the bootloader build).
 */
package dev.reactivedfu.archive.keys;
