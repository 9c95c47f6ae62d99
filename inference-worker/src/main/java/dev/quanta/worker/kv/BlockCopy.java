package dev.quanta.worker.kv;

/** Copy block {@code src}'s K/V (every layer, every slot) into block {@code dst}: a fork's partly filled last block. */
public record BlockCopy(int src, int dst) {}
