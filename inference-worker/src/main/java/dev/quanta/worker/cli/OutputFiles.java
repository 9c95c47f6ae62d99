package dev.quanta.worker.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks made before long work that ends in writing a file: the path is new and its directory writable. */
final class OutputFiles {

    private OutputFiles() {}

    /** Fails with one clear line when {@code file} exists or cannot be created; writes nothing itself. */
    static void requireNew(Path file) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException("output " + file + " exists; not overwriting it");
        }
        requireWritable(file);
    }

    /** Fails when {@code file}'s directory does not exist or does not accept new files. */
    static void requireWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("output " + file + " is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("cannot write " + file + ": directory " + parent + " does not exist");
        }
        // NOTE: a real probe file, because permission bits say nothing for root or read-only mounts
        try {
            Files.delete(Files.createTempFile(parent, ".quanta-probe-", ".tmp"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                    : e.getClass().getSimpleName();
            throw new IllegalArgumentException("cannot write " + file + ": " + reason);
        }
    }

    /** Fails with one clear line when {@code file} is not an existing regular file. */
    static void requireInput(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " is not a regular file: " + file);
        }
    }
}
