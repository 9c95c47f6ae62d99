package dev.quanta.registry.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelKeysTest {

    @Test
    void slugsAreLowerCaseWithSingleDashes() {
        assertThat(ModelKeys.slug("Qwen2.5 72B Instruct")).isEqualTo("qwen2.5-72b-instruct");
        assertThat(ModelKeys.slug("  Llama 3.2 — 1B (Instruct) ")).isEqualTo("llama-3.2-1b-instruct");
        assertThat(ModelKeys.slug("Ünïcödé Mödel")).isEqualTo("unicode-model");
        assertThat(ModelKeys.slug("stories260K")).isEqualTo("stories260k");
        assertThat(ModelKeys.slug("---")).isEmpty();
        assertThat(ModelKeys.slug("x".repeat(100))).hasSize(64);
    }

    @Test
    void validKeysFollowThePattern() {
        assertThat(ModelKeys.isValid("qwen-72b")).isTrue();
        assertThat(ModelKeys.isValid("llama-3.1-8b")).isTrue();
        assertThat(ModelKeys.isValid("Qwen")).isFalse();
        assertThat(ModelKeys.isValid("-qwen")).isFalse();
        assertThat(ModelKeys.isValid("a b")).isFalse();
        assertThat(ModelKeys.isValid("")).isFalse();
        assertThat(ModelKeys.isValid(null)).isFalse();
        assertThat(ModelKeys.isValid("a".repeat(65))).isFalse();
    }
}
