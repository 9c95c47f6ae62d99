package dev.quanta.registry.model;

/** The descriptive fields shared by create and update requests; optional ones may be null. */
public interface ModelFields {
    String name();

    String family();

    String architecture();

    Double parametersBillions();

    Double fp16MemoryGb();

    Integer layers();

    Integer hiddenSize();

    Integer attentionHeads();

    Integer kvHeads();

    Integer headDim();

    Integer contextLength();

    Integer vocabSize();
}
