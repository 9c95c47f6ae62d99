package dev.quanta.worker.config;

import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.InferenceEngine;
import java.nio.file.Path;

/** Opens the engine for a model file ({@code LlmEngine::open} in production). */
@FunctionalInterface
public interface EngineLoader {

    InferenceEngine load(Path model, EngineConfig config) throws Exception;
}
