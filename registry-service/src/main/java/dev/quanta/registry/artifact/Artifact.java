package dev.quanta.registry.artifact;

import dev.quanta.registry.api.ArtifactResponse;
import dev.quanta.registry.system.Timestamped;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * One file of a model (format GGUF, quant type Q4_K_M, …) with nullable measured quality against the fp16
 * file. Unique per (model, location).
 */
@Entity
@Table(name = "artifact")
public class Artifact extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String modelKey;
    private String format;
    private String quantType;
    private long sizeBytes; // bytes on disk
    private String sha256; // 64 lower-case hex digits
    private String location;
    private Double perplexity; // on the project's evaluation text; lower is better
    private Double klDivergence; // mean KL(fp16 || this) over next-token distributions, nats
    private Double sameTopTokenRate; // fraction of positions whose argmax token equals fp16's, 0..1
    private Double decodeTokensPerSecond; // measured single-stream decode, tokens/s
    private Double promptTokensPerSecond; // measured prompt processing, tokens/s
    private String measuredOn; // machine or node type of the speed measurements

    @Version
    private Long version;

    protected Artifact() {}

    public Artifact(String modelKey, String location) {
        this.modelKey = modelKey;
        this.location = location;
    }

    /** Sets the file's identity; when the content changed, earlier quality measurements no longer apply. */
    public void describeFile(String format, String quantType, long sizeBytes, String sha256) {
        if (this.sha256 != null && !this.sha256.equals(sha256)) {
            setQuality(null, null, null);
            setSpeed(null, null, null);
        }
        this.format = format;
        this.quantType = quantType;
        this.sizeBytes = sizeBytes;
        this.sha256 = sha256;
    }

    public void setQuality(Double perplexity, Double klDivergence, Double sameTopTokenRate) {
        this.perplexity = perplexity;
        this.klDivergence = klDivergence;
        this.sameTopTokenRate = sameTopTokenRate;
    }

    /** Measured speeds and where they were measured; all null: not measured. */
    public void setSpeed(Double decodeTokensPerSecond, Double promptTokensPerSecond, String measuredOn) {
        this.decodeTokensPerSecond = decodeTokensPerSecond;
        this.promptTokensPerSecond = promptTokensPerSecond;
        this.measuredOn = measuredOn;
    }

    /** This artifact as the API serves it. */
    public ArtifactResponse toResponse() {
        return new ArtifactResponse(id, modelKey, format, quantType, sizeBytes, sha256, location, perplexity,
                klDivergence, sameTopTokenRate, decodeTokensPerSecond, promptTokensPerSecond, measuredOn);
    }

    public Long getId() {
        return id;
    }

    public String getModelKey() {
        return modelKey;
    }

    public String getFormat() {
        return format;
    }

    public String getQuantType() {
        return quantType;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getSha256() {
        return sha256;
    }

    public String getLocation() {
        return location;
    }

    public Double getPerplexity() {
        return perplexity;
    }

    public Double getKlDivergence() {
        return klDivergence;
    }

    public Double getSameTopTokenRate() {
        return sameTopTokenRate;
    }
}
