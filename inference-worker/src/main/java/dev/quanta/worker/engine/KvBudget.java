package dev.quanta.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many KV blocks to allocate. Asked for explicitly ({@code --kv-cache-gib}) the budget is taken as given;
 * otherwise it is {@link EngineConfig#DEFAULT_KV_FRACTION} of the memory available at start (MemAvailable), at most
 * {@link #DEFAULT_CAP_BYTES}, and never more than {@code maxSeqs} sequences of {@code maxModelLen} tokens need.
 */
public final class KvBudget {

    /** Upper bound of the default budget (as vLLM's CPU backend: 4 GiB). */
    public static final long DEFAULT_CAP_BYTES = 4L << 30;

    private KvBudget() {}

    /**
     * @param bytesPerToken K and V of one token over all layers
     * @return blocks to allocate, at least enough for one full-length sequence
     */
    public static int numBlocks(EngineConfig config, int maxModelLen, long bytesPerToken) {
        long blockBytes = bytesPerToken * config.blockSize();
        int perSequence = (maxModelLen + config.blockSize() - 1) / config.blockSize();
        long wanted;
        if (config.kvCacheGib() > 0) {
            wanted = (long) (config.kvCacheGib() * (1L << 30)) / blockBytes;
        } else {
            long budget = Math.min(DEFAULT_CAP_BYTES, (long) (availableBytes() * EngineConfig.DEFAULT_KV_FRACTION));
            wanted = Math.min(budget / blockBytes, (long) perSequence * config.maxSeqs());
        }
        if (wanted < perSequence) {
            throw new IllegalArgumentException(String.format(
                    "the KV cache budget holds %d blocks of %d tokens (%d bytes each) but one sequence of %d tokens "
                            + "needs %d: raise --kv-cache-gib or lower --max-model-len",
                    wanted, config.blockSize(), blockBytes, maxModelLen, perSequence));
        }
        return (int) Math.min(wanted, Integer.MAX_VALUE - 1);
    }

    /** MemAvailable from /proc/meminfo, else the JVM's view of free physical memory. */
    static long availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os.getFreeMemorySize();
    }
}
