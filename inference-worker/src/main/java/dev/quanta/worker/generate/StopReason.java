package dev.quanta.worker.generate;

/** Why generation ended. */
public enum StopReason {
    /** The requested number of tokens was generated. */
    LIMIT,
    /** The model produced an end-of-generation token (it is included in the output). */
    EOG,
    /** The context window is full. */
    CONTEXT
}
