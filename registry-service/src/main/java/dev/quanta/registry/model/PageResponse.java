package dev.quanta.registry.model;

import java.util.List;
import org.springframework.data.domain.Page;

/** One page of a listing; {@code page} counts from 0. */
public record PageResponse<T>(List<T> items, int page, int size, long totalElements, int totalPages) {

    public static <T> PageResponse<T> of(Page<T> page) {
        return new PageResponse<>(page.getContent(), page.getNumber(), page.getSize(), page.getTotalElements(),
                page.getTotalPages());
    }
}
