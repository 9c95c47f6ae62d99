package dev.quanta.worker.sampling;

/** A token and its log-probability under the model (natural log, full softmax over the vocabulary). */
public record TokenLogProb(int id, float logprob) {}
