package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    private static final List<String> GPUS = List.of("A100-40GB", "A100-80GB", "H100-80GB", "H100-PCIe", "H200",
            "L40S-48GB", "L4", "A10G", "RTX4090-24GB", "T4-16GB", "MI300X");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "L40S, L40S-48GB",
        "l40s-48gb, L40S-48GB",
        "L40S_48GB, L40S-48GB",
        "H100, H100-80GB",
        "h100-pcie, H100-PCIe",
        "4090, RTX4090-24GB",
        "RTX4090, RTX4090-24GB",
        "rtx 4090, RTX4090-24GB",
        "T4, T4-16GB",
        "L4, L4",
        "mi300x, MI300X",
    })
    void resolvesNamesCaseInsensitivelyAndByAlias(String query, String expected) {
        assertThat(Names.resolve(query, GPUS)).contains(expected);
    }

    @Test
    void anAliasSharedByTwoGpusResolvesToNeither() {
        assertThat(Names.resolve("A100", GPUS)).isEmpty();
        assertThat(Names.closest("A100", GPUS, 3)).startsWith("A100-40GB", "A100-80GB");
    }

    @Test
    void suggestsTheClosestKnownNames() {
        assertThat(Names.closest("L40", GPUS, 3)).contains("L40S-48GB");
        assertThat(Names.closest("qwen-70b", List.of("llama-7b", "qwen-72b", "qwen-7b", "llama-70b"), 2))
                .containsExactlyInAnyOrder("qwen-72b", "qwen-7b");
        assertThat(Names.closest("llama70", List.of("llama-7b", "qwen-72b", "qwen-7b", "llama-70b"), 1))
                .containsExactly("llama-70b");
        assertThat(Names.resolve("", GPUS)).isEmpty();
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(Names.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(Names.editDistance("", "abc")).isEqualTo(3);
        assertThat(Names.editDistance("same", "same")).isZero();
    }
}
