/**
 * nrfutil DFU packages: reading and validating the {@code .zip} (manifest, images in send order, init packets,
 * firmware), and checking init packet hashes and ECDSA P-256 signatures against a public key.
 */
package dev.reactivedfu.archive;
