package dev.quanta.registry.imports;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import dev.quanta.registry.system.RegistryProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;

/**
 * Imports that do not hold the request: {@link #start} checks the path and reads the header while the client
 * waits (so refusals are immediate), then hashes and stores in the background on a small bounded pool
 * ({@code quanta.registry.import-concurrency}, queue {@code import-queue}; beyond it 503). The job, with its
 * progress in bytes, is kept in memory (the newest {@value #KEPT_JOBS}) for {@code GET /imports/{id}}.
 *
 * <p>NOTE: jobs live in this process; with several registry replicas a client must poll the replica that
 * answered 202 (the job id is not shared). The stored result (profile, artifact) is in PostgreSQL as usual.
 */
@Service
public class ImportJobs {

    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);
    static final int KEPT_JOBS = 256;

    private final ImportService imports;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<String, ImportJob> jobs = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<String> order = new ConcurrentLinkedDeque<>();

    ImportJobs(ImportService imports, Clock clock, RegistryProperties properties) {
        this.imports = imports;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(properties.importConcurrency(), properties.importConcurrency(), 0,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, properties.importQueue())),
                r -> Thread.ofPlatform().name("import-" + threads.incrementAndGet()).daemon().unstarted(r));
    }

    /** Checks the request now and queues the hashing; the job to poll. */
    public ImportJob start(ImportRequest request) {
        ImportService.Prepared prepared = imports.prepare(request);
        long total;
        try {
            total = Files.size(prepared.file().file());
        } catch (IOException e) {
            throw new ProblemException(ProblemType.UNREADABLE_MODEL_FILE, null,
                    "'" + request.path() + "' could not be read: " + e.getClass().getSimpleName(), "path");
        }
        ImportJob job = new ImportJob(UUID.randomUUID().toString(), request.path(), total, clock.instant());
        try {
            pool.execute(() -> run(job, prepared));
        } catch (RejectedExecutionException e) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "too many imports are in progress; retry later");
        }
        jobs.put(job.id(), job);
        order.addLast(job.id());
        forgetOldest();
        return job;
    }

    /** The job {@code id}, or 404. */
    public ImportJob get(String id) {
        ImportJob job = jobs.get(id);
        if (job == null) {
            throw ProblemException.notFound("import job", id);
        }
        return job;
    }

    private void run(ImportJob job, ImportService.Prepared prepared) {
        job.hashing();
        try {
            job.succeeded(imports.complete(prepared, job::hashed), clock.instant());
        } catch (ProblemException e) {
            job.failed(e.toProblem(), clock.instant());
        } catch (RuntimeException e) {
            log.error("import of {} failed", job.path(), e);
            ProblemDetail problem = new ProblemException(ProblemType.INTERNAL,
                    "the import failed unexpectedly; nothing was changed and the error was logged").toProblem();
            job.failed(problem, clock.instant());
        }
    }

    private void forgetOldest() {
        Iterator<String> it = order.iterator();
        while (jobs.size() > KEPT_JOBS && it.hasNext()) {
            String id = it.next();
            ImportJob job = jobs.get(id);
            if (job == null || job.finished()) {
                jobs.remove(id);
                it.remove();
            }
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
