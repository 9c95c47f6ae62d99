package dev.quanta.registry.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Confines import paths to the models directory. A path is resolved against the directory (or taken as is
 * when absolute), normalized, and must lie inside the directory both lexically (catches {@code ..} and
 * absolute paths elsewhere) and after following symlinks ({@link Path#toRealPath}; catches links pointing out).
 * Pure: no Spring.
 */
public final class ModelPathResolver {

    /** Why a path was not accepted. */
    public enum Reason {
        /** Not a usable path string (e.g. a NUL character). */
        INVALID,
        /** Outside the models directory, lexically or through a symlink. */
        OUTSIDE,
        /** Inside, but nothing is there (or the models directory itself is missing). */
        MISSING,
        /** Inside, but a directory or special file rather than a regular file. */
        NOT_A_FILE
    }

    /** A refused path; the message is safe to show to the client (it names only what the client sent). */
    public static final class RefusedPathException extends Exception {
        private final Reason reason;

        RefusedPathException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /**
     * An accepted file.
     *
     * @param file real path of the file (symlinks resolved)
     * @param location the file's path relative to the models directory, '/'-separated (stored as the
     *     artifact's location)
     */
    public record ResolvedPath(Path file, String location) {}

    private final Path modelsDir;

    public ModelPathResolver(Path modelsDir) {
        this.modelsDir = modelsDir.toAbsolutePath().normalize();
    }

    public ResolvedPath resolve(String requested) throws RefusedPathException {
        Path root;
        try {
            root = modelsDir.toRealPath();
        } catch (IOException e) {
            throw new RefusedPathException(Reason.MISSING, "the models directory does not exist on this server");
        }
        Path asked;
        try {
            asked = Path.of(requested);
        } catch (InvalidPathException e) {
            throw new RefusedPathException(Reason.INVALID, "'" + printable(requested) + "' is not a valid path");
        }
        Path candidate = (asked.isAbsolute() ? asked : root.resolve(asked)).normalize();
        if (!candidate.startsWith(root) && !candidate.startsWith(modelsDir)) {
            throw outside(requested);
        }
        if (!Files.exists(candidate)) {
            throw new RefusedPathException(Reason.MISSING,
                    "no file '" + printable(requested) + "' in the models directory");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw new RefusedPathException(Reason.MISSING,
                    "no file '" + printable(requested) + "' in the models directory");
        }
        if (!real.startsWith(root)) {
            throw outside(requested);
        }
        if (!Files.isRegularFile(real)) {
            throw new RefusedPathException(Reason.NOT_A_FILE, "'" + printable(requested) + "' is not a regular file");
        }
        String location = root.relativize(real).toString().replace('\\', '/');
        return new ResolvedPath(real, location);
    }

    private static RefusedPathException outside(String requested) {
        return new RefusedPathException(Reason.OUTSIDE,
                "'" + printable(requested) + "' is outside the models directory; only files under it can be imported");
    }

    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
