package dev.quanta.registry.imports;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ProblemDetail;

/**
 * One background import: queued, hashing (with the bytes done so far), then succeeded with the stored
 * profile and artifact, or failed with the problem a synchronous import would have answered.
 */
public final class ImportJob {

    /** Where a job is. */
    public enum State { QUEUED, HASHING, SUCCEEDED, FAILED }

    private final String id;
    private final String path;
    private final long totalBytes;
    private final Instant createdAt;
    private final AtomicLong hashedBytes = new AtomicLong();
    private volatile State state = State.QUEUED;
    private volatile ImportResponse result;
    private volatile ProblemDetail problem;
    private volatile Instant finishedAt;

    ImportJob(String id, String path, long totalBytes, Instant createdAt) {
        this.id = id;
        this.path = path;
        this.totalBytes = totalBytes;
        this.createdAt = createdAt;
    }

    void hashing() {
        state = State.HASHING;
    }

    void hashed(long bytes) {
        hashedBytes.set(bytes);
    }

    void succeeded(ImportResponse result, Instant at) {
        this.result = result;
        this.finishedAt = at;
        this.state = State.SUCCEEDED;
    }

    void failed(ProblemDetail problem, Instant at) {
        this.problem = problem;
        this.finishedAt = at;
        this.state = State.FAILED;
    }

    boolean finished() {
        return state == State.SUCCEEDED || state == State.FAILED;
    }

    public String id() {
        return id;
    }

    public String path() {
        return path;
    }

    /** The job as the API returns it. */
    public ImportJobResponse view() {
        State now = state; // NOTE: read once; result/problem are written before the state that announces them
        return new ImportJobResponse(id, now, path, hashedBytes.get(), totalBytes, createdAt,
                now == State.SUCCEEDED || now == State.FAILED ? finishedAt : null,
                now == State.SUCCEEDED ? result : null, now == State.FAILED ? problem : null);
    }

    /**
     * A job as JSON.
     *
     * @param hashedBytes bytes of the file hashed so far
     * @param totalBytes the file's size when the job started, bytes
     * @param result the import's result once {@code SUCCEEDED}
     * @param problem the RFC 9457 problem once {@code FAILED}
     */
    public record ImportJobResponse(String id, State state, String path, long hashedBytes, long totalBytes,
            Instant createdAt, Instant finishedAt, ImportResponse result, ProblemDetail problem) {}
}
