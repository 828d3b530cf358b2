/**
 * nrfutil DFU packages, read and written, one concern per type.
 *
 * <ul>
 *   <li>{@link dev.reactivedfu.archive.DfuPackageReader} and {@link dev.reactivedfu.archive.DfuPackageWriter}: the
 *       slim API, a package in ({@link dev.reactivedfu.archive.DfuPackage}, checked as
 *       {@link dev.reactivedfu.archive.PackageValidation}) and out (what {@code nrfutil pkg generate} makes).</li>
 *   <li>{@link dev.reactivedfu.archive.SafeZip}: the archive, hostile input refused in memory; written as nrfutil's
 *       Python {@code zipfile} writes it.</li>
 *   <li>{@link dev.reactivedfu.archive.Manifest}: {@code manifest.json}, one Jackson mapping both ways.</li>
 *   <li>{@link dev.reactivedfu.archive.InitPacket} (parsed from the signed bytes, after the strict structural check
 *       of {@link dev.reactivedfu.archive.InitPacketStructure}) and its inverse
 *       {@link dev.reactivedfu.archive.InitPacketBuilder}; {@link dev.reactivedfu.archive.InitPacketSignature} checks
 *       signatures.</li>
 *   <li>{@link dev.reactivedfu.archive.PackageValidator}: hash, sizes, type and signature of each image.</li>
 *   <li>{@link dev.reactivedfu.archive.Sha256}: the project's one SHA-256 and byte-reversal helper.</li>
 * </ul>
 * Intel HEX, keys, bootloader settings and atomic writes live in {@code hex}, {@code keys}, {@code settings} and
 * {@link dev.reactivedfu.archive.AtomicFiles}.
 */
package dev.reactivedfu.archive;
