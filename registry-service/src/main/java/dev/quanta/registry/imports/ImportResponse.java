package dev.quanta.registry.imports;

import dev.quanta.registry.api.ArtifactResponse;
import dev.quanta.registry.api.ModelProfileResponse;

/**
 * Result of an import: the profile and artifact as stored now.
 *
 * @param modelCreated whether the profile was created (false: an existing one was updated)
 * @param artifactCreated whether the artifact was created (false: the same location was imported before)
 */
public record ImportResponse(boolean modelCreated, boolean artifactCreated, ModelProfileResponse model,
        ArtifactResponse artifact) {}
