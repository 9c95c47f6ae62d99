package dev.quanta.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelShapeTest {

    private static CreateModelRequest request(Double fp16, Integer heads, Integer kvHeads, Integer headDim, int hidden) {
        return new CreateModelRequest("k", " Name ", "llama", "llama", 7.0, fp16, 32, hidden, heads, kvHeads, headDim,
                4096, 32000);
    }

    @Test
    void derivesFp16MemoryKvHeadsAndHeadDimWhenAbsent() {
        ModelShape shape = ModelShape.of(request(null, 32, null, null, 4096));
        assertThat(shape.fp16MemoryGb()).isEqualTo(14.0);
        assertThat(shape.kvHeads()).isEqualTo(32);
        assertThat(shape.headDim()).isEqualTo(128);
        assertThat(shape.name()).isEqualTo("Name");
    }

    @Test
    void keepsExplicitValues() {
        ModelShape shape = ModelShape.of(request(13.5, 32, 8, 96, 4096));
        assertThat(shape.fp16MemoryGb()).isEqualTo(13.5);
        assertThat(shape.kvHeads()).isEqualTo(8);
        assertThat(shape.headDim()).isEqualTo(96);
    }

    @Test
    void rejectsMoreKvHeadsThanAttentionHeads() {
        assertThatThrownBy(() -> ModelShape.of(request(null, 8, 16, null, 4096)))
                .isInstanceOfSatisfying(ModelShape.InconsistentShapeException.class,
                        e -> assertThat(e.field()).isEqualTo("kvHeads"));
    }

    @Test
    void rejectsKvHeadsThatDoNotDivideAttentionHeads() {
        assertThatThrownBy(() -> ModelShape.of(request(null, 12, 5, null, 4096)))
                .isInstanceOfSatisfying(ModelShape.InconsistentShapeException.class,
                        e -> assertThat(e.field()).isEqualTo("kvHeads"));
    }

    @Test
    void requiresHeadDimWhenHiddenSizeIsNotAMultipleOfHeads() {
        assertThatThrownBy(() -> ModelShape.of(request(null, 12, 4, null, 1000)))
                .isInstanceOfSatisfying(ModelShape.InconsistentShapeException.class,
                        e -> assertThat(e.field()).isEqualTo("headDim"));
        assertThat(ModelShape.of(request(null, 12, 4, 80, 1000)).headDim()).isEqualTo(80);
    }
}
