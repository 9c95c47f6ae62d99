package dev.quanta.registry.model;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.registry.api.PageResponse;
import java.util.Locale;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Model profile use cases; each write is one transaction. */
@Service
public class ModelService {

    private final ModelProfileRepository models;
    private final ModelProfileQueries queries;

    ModelService(ModelProfileRepository models, ModelProfileQueries queries) {
        this.models = models;
        this.queries = queries;
    }

    @Transactional
    public ModelProfileResponse create(CreateModelRequest request) {
        if (models.existsById(request.key())) {
            throw ProblemException.duplicate("model", request.key(), "key");
        }
        ModelProfile profile = new ModelProfile(request.key());
        profile.apply(shape(request));
        return models.saveAndFlush(profile).toResponse();
    }

    /** One profile; a single auto-committed SELECT (see {@link ModelProfileQueries}). */
    public ModelProfileResponse get(String key) {
        return queries.find(key).orElseThrow(() -> ProblemException.notFound("model", key));
    }

    @Transactional(readOnly = true)
    public PageResponse<ModelProfileResponse> list(String family, String architecture, int page, int size) {
        var result = models.findAll(ModelProfileRepository.filter(lower(family), lower(architecture)),
                PageRequest.of(page, size, Sort.by("key")));
        var content = result.map(ModelProfile::toResponse);
        return new PageResponse<>(content.getContent(), content.getNumber(), content.getSize(),
                content.getTotalElements(), content.getTotalPages());
    }

    /**
     * Replaces the profile's fields if {@code basedOnVersion} is still current.
     *
     * @throws ProblemException 404 for an unknown key, 409 for a stale version, 400 without a version
     */
    @Transactional
    public ModelProfileResponse update(String key, UpdateModelRequest request, Long basedOnVersion) {
        if (basedOnVersion == null) {
            throw ProblemException.invalid("version",
                    "version is required: send the version you read in the body or as If-Match: \"<version>\"");
        }
        ModelProfile profile = find(key);
        if (profile.getVersion() != basedOnVersion.longValue()) {
            throw new ProblemException(ProblemType.STALE_VERSION, null, "model '" + key + "' is at version "
                    + profile.getVersion() + " but the update was based on version " + basedOnVersion
                    + "; read it again and reapply the change", "version");
        }
        profile.apply(shape(request));
        // NOTE: the flush runs UPDATE ... WHERE version = ?; a concurrent writer between our read and this
        // flush makes it fail with an optimistic-lock exception, answered as 409 as well.
        return models.saveAndFlush(profile).toResponse();
    }

    /** A profile as stored by {@link #upsertImported}, and whether it was created. */
    public record Upserted(ModelProfileResponse profile, boolean created) {}

    /**
     * Creates the profile {@code key} from an imported file's fields, or updates an existing one's architecture,
     * shape and size from them; an existing profile keeps its name and family (those are curated by people).
     * Runs in the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Upserted upsertImported(String key, ModelFields fields) {
        ModelShape shape = shape(fields);
        var existing = models.findById(key);
        ModelProfile profile = existing.orElseGet(() -> new ModelProfile(key));
        profile.apply(existing.isPresent() ? shape.withIdentity(profile.getName(), profile.getFamily()) : shape);
        return new Upserted(models.saveAndFlush(profile).toResponse(), existing.isEmpty());
    }

    @Transactional
    public void delete(String key) {
        models.delete(find(key));
    }

    /** The profile with {@code key}, or 404. For other features (artifacts, import) in the same transaction. */
    public ModelProfile find(String key) {
        return models.findById(key).orElseThrow(() -> ProblemException.notFound("model", key));
    }

    static ModelShape shape(ModelFields fields) {
        try {
            return ModelShape.of(fields);
        } catch (ModelShape.InconsistentShapeException e) {
            throw ProblemException.invalid(e.field(), e.getMessage());
        }
    }

    private static String lower(String value) {
        return value == null || value.isBlank() ? null : value.strip().toLowerCase(Locale.ROOT);
    }
}
