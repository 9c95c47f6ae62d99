package dev.quanta.registry.imports;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufSummary;
import dev.quanta.registry.artifact.ArtifactService;
import dev.quanta.registry.imports.ModelPathResolver.RefusedPathException;
import dev.quanta.registry.imports.ModelPathResolver.ResolvedPath;
import dev.quanta.registry.model.ModelService;
import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import dev.quanta.registry.system.RegistryProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code POST /models:import}: confine the path, read the GGUF header with the shared {@code quanta-gguf}
 * reader (the one the engine uses), hash the file, then create or update the profile and its artifact in one
 * transaction. File work happens before the transaction so no database connection waits on disk.
 */
@Service
public class ImportService {

    private static final Logger log = LoggerFactory.getLogger(ImportService.class);
    private static final int HASH_BUFFER_BYTES = 1 << 20;

    private final ModelPathResolver paths;
    private final ModelService models;
    private final ArtifactService artifacts;
    private final TransactionTemplate transaction;

    ImportService(RegistryProperties properties, ModelService models, ArtifactService artifacts,
            TransactionTemplate transaction) {
        this.paths = new ModelPathResolver(properties.modelsDir());
        this.models = models;
        this.artifacts = artifacts;
        this.transaction = transaction;
    }

    /** Imports one file; the result says whether profile and artifact were created or updated. */
    public ImportResponse importFile(ImportRequest request) {
        return complete(prepare(request), HashProgress.NONE);
    }

    /**
     * The quick part of an import, done while the client waits: the path is confined and the GGUF header read
     * and mapped to a profile, so every refusal (403, 404, 422) comes back at once. Reads the header only.
     */
    public Prepared prepare(ImportRequest request) {
        ResolvedPath file = resolve(request.path());
        GgufSummary summary = readSummary(file, request.path());
        try {
            return new Prepared(request.path(), file,
                    ImportedModel.of(summary, file.file().getFileName().toString(), request.key()));
        } catch (ImportedModel.IncompleteModelException e) {
            throw unreadable(e.getMessage());
        }
    }

    /** The slow part: hash the whole file (reporting progress), then write profile and artifact in one transaction. */
    public ImportResponse complete(Prepared prepared, HashProgress progress) {
        Digest digest = sha256(prepared.file().file(), prepared.requestedPath(), progress);
        ImportedModel model = prepared.model();
        return transaction.execute(status -> {
            ModelService.Upserted profile = models.upsertImported(model.key(), model);
            ArtifactService.Upserted artifact = artifacts.upsert(model.key(), prepared.file().location(), "GGUF",
                    model.quantType(), digest.sizeBytes(), digest.sha256());
            return new ImportResponse(profile.created(), artifact.created(), profile.profile(), artifact.artifact());
        });
    }

    /** A file accepted for import: where it is and what its header says. */
    public record Prepared(String requestedPath, ResolvedPath file, ImportedModel model) {}

    /** Told how many bytes have been hashed so far, after every buffer. */
    @FunctionalInterface
    public interface HashProgress {
        HashProgress NONE = bytes -> {};

        void hashed(long bytes);
    }

    private ResolvedPath resolve(String requested) {
        try {
            return paths.resolve(requested);
        } catch (RefusedPathException e) {
            throw switch (e.reason()) {
                case INVALID -> ProblemException.invalid("path", e.getMessage());
                case OUTSIDE -> new ProblemException(ProblemType.PATH_REFUSED,
                        "Path outside the models directory", e.getMessage(), "path");
                case MISSING -> new ProblemException(ProblemType.NOT_FOUND, "File not found",
                        e.getMessage(), "path");
                case NOT_A_FILE -> unreadable(e.getMessage());
            };
        }
    }

    private static GgufSummary readSummary(ResolvedPath file, String requested) {
        try {
            return GgufSummary.of(GgufFile.readHeader(file.file()));
        } catch (GgufFormatException e) {
            throw unreadable("'" + requested + "' is not a valid GGUF file: " + e.getMessage());
        } catch (IOException e) {
            throw unreadable("'" + requested + "' could not be read: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            // NOTE: the reader is meant to report every corruption as GgufFormatException; anything else is
            // still the file's fault from the client's point of view, so it is a 422 too (and logged).
            log.warn("unexpected error reading GGUF header of {}", file.file(), e);
            throw unreadable("'" + requested + "' is not a readable GGUF file");
        }
    }

    private record Digest(long sizeBytes, String sha256) {}

    private static Digest sha256(Path file, String requested, HashProgress progress) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[HASH_BUFFER_BYTES];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
                progress.hashed(size);
            }
            return new Digest(size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw unreadable("'" + requested + "' could not be read: " + e.getClass().getSimpleName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static ProblemException unreadable(String detail) {
        return new ProblemException(ProblemType.UNREADABLE_MODEL_FILE,
                "Unreadable model file", detail, "path");
    }
}
