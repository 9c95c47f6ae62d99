package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputValidationTest {

    private static ModelShape shape(double params, int layers, int heads, int kvHeads, int headDim, int context) {
        return new ModelShape("m", null, params, params * 2, layers, 4096, heads, kvHeads, headDim, context,
                0);
    }

    @ParameterizedTest(name = "params {0}, layers {1}, heads {2}/{3}, head dim {4}, context {5} → {6}")
    @CsvSource({
        "-7,  32, 32,  8, 128, 4096, parametersBillions",
        "NaN, 32, 32,  8, 128, 4096, parametersBillions",
        "7,   -1, 32,  8, 128, 4096, layers",
        "7,   32, 32, 64, 128, 4096, kvHeads",
        "7,   32, 32,  5, 128, 4096, kvHeads",
        "7,   32, 32,  8,   0, 4096, headDim",
        "7,   32, 32,  8, 128,    0, contextLength",
    })
    void rejectsImpossibleModelShapesNamingTheField(double params, int layers, int heads, int kvHeads, int headDim,
            int context, String field) {
        assertThatThrownBy(() -> shape(params, layers, heads, kvHeads, headDim, context))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void nameDefaultsToTheKey() {
        assertThat(shape(7, 32, 32, 8, 128, 4096).name()).isEqualTo("m");
    }

    @ParameterizedTest(name = "context {0}, concurrency {1}, loss {2} → {3}")
    @CsvSource({
        "0,       1,    , context",
        "-5,      1,    , context",
        "2000000, 1,    , context",
        "4096,    0,    , concurrency",
        "4096, 5000,    , concurrency",
        "4096,    1,  -1, max_quality_loss",
        "4096,    1, 101, max_quality_loss",
    })
    void rejectsAbsurdOptionsNamingTheParameter(int context, int concurrency, Double loss, String field) {
        assertThatThrownBy(() -> new PlanOptions(context, concurrency, loss))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void contextDefaultsToTheSmallerOf4096AndTheModelsAndMayNotExceedIt() {
        ModelShape small = shape(1, 4, 4, 4, 64, 2048);

        assertThat(PlanOptions.forModel(small, null, null, null).context()).isEqualTo(2048);
        assertThat(PlanOptions.forModel(Fixtures.QWEN_72B, null, null, null).context()).isEqualTo(4096);
        assertThat(PlanOptions.forModel(small, null, null, null).concurrency()).isEqualTo(1);
        assertThatThrownBy(() -> PlanOptions.forModel(small, 4096, 1, null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("context"));
    }

    @Test
    void rejectsImpossibleHardwareNamingTheField() {
        assertThatThrownBy(() -> new GpuSpec("x", HardwareKind.GPU, 0, 1, 1, null, null, null, 1, null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("memoryGb"));
        assertThatThrownBy(() -> new GpuSpec("x", HardwareKind.GPU, 8, 1, 1, null, null, null, -1, null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("available"));
        assertThatThrownBy(() -> new GpuSpec("x", HardwareKind.GPU, 8, 1, 1, -2.0, null, null, 1, null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("fp8Tops"));
    }
}
