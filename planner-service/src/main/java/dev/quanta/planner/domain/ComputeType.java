package dev.quanta.planner.domain;

/** Which of a device's peak figures a method's matrix multiplications run at. */
public enum ComputeType {
    FP16,
    FP8,
    INT8
}
