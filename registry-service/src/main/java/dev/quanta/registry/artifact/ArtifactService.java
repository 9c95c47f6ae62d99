package dev.quanta.registry.artifact;

import dev.quanta.registry.api.ArtifactResponse;
import dev.quanta.registry.model.ModelService;
import dev.quanta.edge.problem.ProblemException;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Artifacts of a model; each public method is one transaction (or joins the caller's). */
@Service
public class ArtifactService {

    private final ArtifactRepository artifacts;
    private final ModelService models;

    ArtifactService(ArtifactRepository artifacts, ModelService models) {
        this.artifacts = artifacts;
        this.models = models;
    }

    @Transactional
    public ArtifactResponse create(String modelKey, ArtifactRequest request) {
        models.find(modelKey);
        if (artifacts.findByModelKeyAndLocation(modelKey, request.location()).isPresent()) {
            throw ProblemException.duplicate("artifact at location", request.location(), "location");
        }
        Artifact artifact = new Artifact(modelKey, request.location());
        artifact.describeFile(request.format(), request.quantType(), request.sizeBytes(), request.sha256());
        artifact.setQuality(request.perplexity(), request.klDivergence(), request.sameTopTokenRate());
        return artifacts.saveAndFlush(artifact).toResponse();
    }

    @Transactional(readOnly = true)
    public List<ArtifactResponse> list(String modelKey) {
        models.find(modelKey);
        return artifacts.findByModelKeyOrderById(modelKey).stream().map(Artifact::toResponse).toList();
    }

    @Transactional(readOnly = true)
    public ArtifactResponse get(String modelKey, long id) {
        return find(modelKey, id).toResponse();
    }

    /**
     * Replaces the artifact's measurements (quality and speed) with {@code report}: a field sent as null is
     * "not measured". The file's identity (size, sha256) is untouched.
     */
    @Transactional
    public ArtifactResponse report(String modelKey, long id, QualityReport report) {
        Artifact artifact = find(modelKey, id);
        if (report.measuredOn() == null && (report.decodeTokensPerSecond() != null
                || report.promptTokensPerSecond() != null)) {
            throw ProblemException.invalid("measuredOn", "measuredOn is required with a speed: tokens/s mean "
                    + "nothing without the machine they were measured on");
        }
        artifact.setQuality(report.perplexity(), report.klDivergence(), report.sameTopTokenRate());
        artifact.setSpeed(report.decodeTokensPerSecond(), report.promptTokensPerSecond(), report.measuredOn());
        return artifacts.saveAndFlush(artifact).toResponse();
    }

    private Artifact find(String modelKey, long id) {
        models.find(modelKey);
        return artifacts.findById(id).filter(a -> a.getModelKey().equals(modelKey))
                .orElseThrow(() -> ProblemException.notFound("artifact", modelKey + "/" + id));
    }

    /**
     * Creates or updates the artifact of {@code modelKey} at {@code location} (imports are idempotent).
     * Must run inside the caller's transaction, after the profile exists.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Upserted upsert(String modelKey, String location, String format, String quantType,
            long sizeBytes, String sha256) {
        var existing = artifacts.findByModelKeyAndLocation(modelKey, location);
        Artifact artifact = existing.orElseGet(() -> new Artifact(modelKey, location));
        artifact.describeFile(format, quantType, sizeBytes, sha256);
        return new Upserted(artifacts.saveAndFlush(artifact).toResponse(), existing.isEmpty());
    }

    /** An artifact as stored by {@link #upsert}, and whether it was created. */
    public record Upserted(ArtifactResponse artifact, boolean created) {}
}
