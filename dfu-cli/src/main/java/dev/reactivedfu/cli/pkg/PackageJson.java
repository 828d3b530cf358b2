package dev.reactivedfu.cli.pkg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageValidation;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.PackageValidation;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;

import java.util.HexFormat;
import java.util.Optional;

/**
 * The JSON object of {@code dfu pkg display --json}, one per package:
 *
 * <pre>
 * {"file": ..., "images": [{"kind": "application", "bin_file": ..., "dat_file": ..., "size": N,
 *   "init": {"fw_version": N, "hw_version": N, "sd_req": [N, ...], "type": "APPLICATION", "sd_size": N,
 *            "bl_size": N, "app_size": N, "hash_type": "SHA256", "hash": "hex as stored", "is_debug": bool,
 *            "boot_validation": [{"type": ..., "bytes": "hex"}]},
 *   "signature_type": "ECDSA_P256_SHA256" or null, "signature_valid": true/false/null, "hash_valid": bool}]}
 * </pre>
 *
 * <p>Images in send order. {@code signature_valid} is null when no key was given or the image is unsigned. A package
 * that cannot be used gets {@code "error": {"type": FAULT, "message": ...}}; when it was readable but failed a check,
 * {@code images} is there as well, showing which check failed.
 */
public final class PackageJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PackageJson() {
    }

    /** The report of a package that was read; with {@code "error"} when it failed a check. */
    public static ObjectNode report(String file, PackageValidation validation) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("file", file);
        ArrayNode images = root.putArray("images");
        for (ImageValidation v : validation.images()) {
            images.add(image(v));
        }
        validation.failure().ifPresent(e -> root.set("error", error(e)));
        return root;
    }

    /** The error object of a package that could not be used: {@code {"file", "error": {"type", "message"}}}. */
    public static ObjectNode error(String file, Throwable failure) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("file", file);
        root.set("error", error(failure));
        return root;
    }

    /** Serialises a node as indented JSON. */
    public static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }

    private static ObjectNode error(Throwable failure) {
        ObjectNode error = MAPPER.createObjectNode();
        error.put("type", failure instanceof PackageException p ? p.fault().name() : failure.getClass().getSimpleName());
        error.put("message", failure.getMessage());
        return error;
    }

    private static ObjectNode image(ImageValidation v) {
        FirmwareImage image = v.image();
        InitPacket init = image.init();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kind", image.kind().manifestKey());
        node.put("bin_file", image.binFile());
        node.put("dat_file", image.datFile());
        node.put("size", image.firmwareSize());

        ObjectNode in = node.putObject("init");
        in.put("fw_version", Integer.toUnsignedLong(init.fwVersion()));
        in.put("hw_version", Integer.toUnsignedLong(init.hwVersion()));
        ArrayNode sdReq = in.putArray("sd_req");
        init.sdReq().forEach(id -> sdReq.add(Integer.toUnsignedLong(id)));
        in.put("type", init.type().name());
        in.put("sd_size", Integer.toUnsignedLong(init.sdSize()));
        in.put("bl_size", Integer.toUnsignedLong(init.blSize()));
        in.put("app_size", Integer.toUnsignedLong(init.appSize()));
        in.put("hash_type", init.hashType().name());
        in.put("hash", HexFormat.of().formatHex(init.hash()));
        in.put("is_debug", init.isDebug());
        ArrayNode boot = in.putArray("boot_validation");
        for (DfuCc.BootValidation b : init.bootValidations()) {
            ObjectNode entry = boot.addObject();
            entry.put("type", b.getType().name());
            entry.put("bytes", HexFormat.of().formatHex(b.getBytes().toByteArray()));
        }

        Optional<DfuCc.SignatureType> signatureType = init.signatureType();
        if (signatureType.isPresent()) {
            node.put("signature_type", signatureType.get().name());
        } else {
            node.putNull("signature_type");
        }
        Optional<Boolean> signatureValid = v.signature().valid();
        if (signatureValid.isPresent()) {
            node.put("signature_valid", signatureValid.get());
        } else {
            node.putNull("signature_valid");
        }
        node.put("hash_valid", v.hashValid());
        return node;
    }
}
