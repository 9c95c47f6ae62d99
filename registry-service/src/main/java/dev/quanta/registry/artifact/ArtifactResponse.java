package dev.quanta.registry.artifact;

/** An artifact as the API returns it; quality fields are null until measured. */
public record ArtifactResponse(
        long id,
        String modelKey,
        String format,
        String quantType,
        long sizeBytes,
        String sha256,
        String location,
        Double perplexity,
        Double klDivergence,
        Double sameTopTokenRate) {

    public static ArtifactResponse of(Artifact a) {
        return new ArtifactResponse(a.getId(), a.getModelKey(), a.getFormat(), a.getQuantType(), a.getSizeBytes(),
                a.getSha256(), a.getLocation(), a.getPerplexity(), a.getKlDivergence(), a.getSameTopTokenRate());
    }
}
