package dev.quanta.registry.api;

import java.util.List;

/** One page of a listing ({@code GET /models}); {@code page} counts from 0. */
public record PageResponse<T>(List<T> items, int page, int size, long totalElements, int totalPages) {}
