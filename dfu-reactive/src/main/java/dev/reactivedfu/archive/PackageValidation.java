package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A package that was read whole, with the result of checking each of its images: what {@code dfu pkg display}
 * shows. A package that cannot be read at all (not a zip, hostile, malformed) never gets this far: the reader throws
 * {@link PackageException} instead.
 *
 * @param dfuPackage the package, images in send order
 * @param images     one validation per image, in the same order
 * @param keyGiven   whether signatures were checked against a public key
 */
public record PackageValidation(DfuPackage dfuPackage, List<ImageValidation> images, boolean keyGiven) {

    public PackageValidation {
        Objects.requireNonNull(dfuPackage, "dfuPackage");
        images = List.copyOf(images);
    }

    /** Whether every image passed every check. */
    public boolean isValid() {
        return images.stream().allMatch(ImageValidation::isValid);
    }

    /** Every failed check over all images, in send order. */
    public List<ImageValidation.Problem> problems() {
        List<ImageValidation.Problem> all = new ArrayList<>();
        images.forEach(i -> all.addAll(i.problems()));
        return all;
    }

    /** The first failed check as the exception {@link #requireValid()} throws, or empty when the package is valid. */
    public Optional<PackageException> failure() {
        List<ImageValidation.Problem> problems = problems();
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        ImageValidation.Problem first = problems.get(0);
        String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problem"
                + (problems.size() > 2 ? "s" : "") + ")" : "";
        return Optional.of(new PackageException(dfuPackage.source(), first.fault(), first.detail() + more));
    }

    /**
     * The package, when valid.
     *
     * @throws PackageException with the fault of the first failed check, naming the file and the entry
     */
    public DfuPackage requireValid() {
        Optional<PackageException> failure = failure();
        if (failure.isPresent()) {
            throw failure.get();
        }
        return dfuPackage;
    }
}
