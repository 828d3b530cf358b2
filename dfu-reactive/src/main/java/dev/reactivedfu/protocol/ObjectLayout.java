package dev.reactivedfu.protocol;

/**
 * How an image of {@code imageSize} bytes splits into data objects of at most {@code maxObjectSize} bytes
 * (the size SELECT reports; one 4 KiB flash page on nRF52). All objects are full except the last.
 */
public record ObjectLayout(long imageSize, long maxObjectSize) {

    public ObjectLayout {
        if (imageSize < 0) {
            throw new IllegalArgumentException("image size must not be negative");
        }
        if (maxObjectSize <= 0) {
            throw new IllegalArgumentException("object size must be positive, was " + maxObjectSize);
        }
    }

    /** Number of objects (0 for an empty image). */
    public int objectCount() {
        return (int) ((imageSize + maxObjectSize - 1) / maxObjectSize);
    }

    /** Start offset of object {@code index}. */
    public long objectStart(int index) {
        checkIndex(index);
        return index * maxObjectSize;
    }

    /** Length of object {@code index}: the maximum, or the remainder for the last. */
    public long objectLength(int index) {
        checkIndex(index);
        return Math.min(maxObjectSize, imageSize - objectStart(index));
    }

    /** Index of the object holding {@code offset}; an offset on a boundary belongs to the object it starts. */
    public int objectIndexAt(long offset) {
        if (offset < 0 || offset >= imageSize) {
            throw new IllegalArgumentException("offset " + offset + " outside the image of " + imageSize + " bytes");
        }
        return (int) (offset / maxObjectSize);
    }

    /** Whether {@code offset} is the start or end of an object (0 and the image size included). */
    public boolean isBoundary(long offset) {
        return offset == imageSize || (offset >= 0 && offset < imageSize && offset % maxObjectSize == 0);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= objectCount()) {
            throw new IndexOutOfBoundsException("object " + index + " of " + objectCount());
        }
    }
}
