package dev.quanta.planner.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.quanta.planner.domain.InvalidInputException;
import dev.quanta.planner.domain.ModelShape;

/** A model profile as the registry serves it on {@code GET /models/{key}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record RegistryModel(String key, String name, String family, String architecture, Double parametersBillions,
        Double fp16MemoryGb, Integer layers, Integer hiddenSize, Integer attentionHeads, Integer kvHeads,
        Integer headDim, Integer contextLength, Integer vocabSize, Long version) {

    /** The shape the planner needs; throws naming the first missing or invalid field. */
    ModelShape toShape() {
        require(parametersBillions, "parametersBillions");
        require(fp16MemoryGb, "fp16MemoryGb");
        require(layers, "layers");
        require(hiddenSize, "hiddenSize");
        require(attentionHeads, "attentionHeads");
        require(kvHeads, "kvHeads");
        require(headDim, "headDim");
        require(contextLength, "contextLength");
        return new ModelShape(key, name, parametersBillions, fp16MemoryGb, layers, hiddenSize, attentionHeads,
                kvHeads, headDim, contextLength, vocabSize == null ? 0 : vocabSize);
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new InvalidInputException(field, field + " is missing");
        }
    }
}
