package dev.quanta.registry.model;

import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.registry.system.Timestamped;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A model profile: identity plus the shape the planner needs. Units: parameters in billions, fp16 memory
 * in GB (10^9 bytes); the rest are counts. Invariants (also CHECKs in V1): all sizes positive,
 * {@code kvHeads <= attentionHeads}.
 */
@Entity
@Table(name = "model_profile")
public class ModelProfile extends Timestamped {

    @Id
    @Column(name = "model_key")
    private String key;

    private String name;
    private String family;
    private String architecture;
    private double parametersBillions;
    @Column(name = "fp16_memory_gb")
    private double fp16MemoryGb;
    private int layers;
    private int hiddenSize;
    private int attentionHeads;
    private int kvHeads;
    private int headDim;
    private int contextLength;
    private int vocabSize;

    @Version
    private Long version;

    protected ModelProfile() {}

    public ModelProfile(String key) {
        this.key = key;
    }

    /** Replaces every descriptive field with {@code shape}'s (already validated and completed). */
    public void apply(ModelShape shape) {
        this.name = shape.name();
        this.family = shape.family();
        this.architecture = shape.architecture();
        this.parametersBillions = shape.parametersBillions();
        this.fp16MemoryGb = shape.fp16MemoryGb();
        this.layers = shape.layers();
        this.hiddenSize = shape.hiddenSize();
        this.attentionHeads = shape.attentionHeads();
        this.kvHeads = shape.kvHeads();
        this.headDim = shape.headDim();
        this.contextLength = shape.contextLength();
        this.vocabSize = shape.vocabSize();
    }

    public String getKey() {
        return key;
    }

    public String getName() {
        return name;
    }

    public String getFamily() {
        return family;
    }

    public String getArchitecture() {
        return architecture;
    }

    public double getParametersBillions() {
        return parametersBillions;
    }

    public double getFp16MemoryGb() {
        return fp16MemoryGb;
    }

    public int getLayers() {
        return layers;
    }

    public int getHiddenSize() {
        return hiddenSize;
    }

    public int getAttentionHeads() {
        return attentionHeads;
    }

    public int getKvHeads() {
        return kvHeads;
    }

    public int getHeadDim() {
        return headDim;
    }

    public int getContextLength() {
        return contextLength;
    }

    public int getVocabSize() {
        return vocabSize;
    }

    /** The optimistic-lock version; null only before the first save. */
    public Long getVersion() {
        return version;
    }

    /** This profile as the API serves it. */
    public ModelProfileResponse toResponse() {
        return new ModelProfileResponse(getKey(), getName(), getFamily(), getArchitecture(), getParametersBillions(),
                getFp16MemoryGb(), getLayers(), getHiddenSize(), getAttentionHeads(), getKvHeads(), getHeadDim(),
                getContextLength(), getVocabSize(), getVersion());
    }
}
