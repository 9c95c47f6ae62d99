/**
 * Continuous batching with no model (vLLM v1's scheduler): every step gives each running sequence its next tokens
 * and fills the rest of a token budget with chunks of waiting prompts; prefix hits on admission; preemption by
 * recompute (newest first) when blocks run out; FCFS. Pure Java; the engine runs the model on its output.
 */
package dev.quanta.worker.scheduler;
