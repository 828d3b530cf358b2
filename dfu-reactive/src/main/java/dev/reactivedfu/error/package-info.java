/**
 * The one sealed family of unchecked errors, {@link dev.reactivedfu.error.DfuException}: each type says whether
 * it is retryable and what the user can do.
 */
package dev.reactivedfu.error;
