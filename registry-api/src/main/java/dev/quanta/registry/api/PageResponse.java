package dev.quanta.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of a listing ({@code GET /models}); {@code page} counts from 0. */
@JsonIgnoreProperties(ignoreUnknown = true) // NOTE: a newer registry may add fields; old clients read on
public record PageResponse<T>(List<T> items, int page, int size, long totalElements, int totalPages) {}
