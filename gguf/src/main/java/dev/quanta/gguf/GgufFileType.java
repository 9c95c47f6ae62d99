package dev.quanta.gguf;

import java.util.Optional;

/**
 * llama.cpp's {@code llama_ftype} values as stored in {@code general.file_type}, with the names llama.cpp
 * uses for quantization types (llama.h; ids 4-6 and 33-35 are retired upstream).
 */
public final class GgufFileType {

    private GgufFileType() {}

    private static final String[] NAMES = new String[41];

    static {
        String[][] table = {
            {"0", "F32"}, {"1", "F16"}, {"2", "Q4_0"}, {"3", "Q4_1"}, {"4", "Q4_1_SOME_F16"},
            {"7", "Q8_0"}, {"8", "Q5_0"}, {"9", "Q5_1"}, {"10", "Q2_K"}, {"11", "Q3_K_S"}, {"12", "Q3_K_M"},
            {"13", "Q3_K_L"}, {"14", "Q4_K_S"}, {"15", "Q4_K_M"}, {"16", "Q5_K_S"}, {"17", "Q5_K_M"},
            {"18", "Q6_K"}, {"19", "IQ2_XXS"}, {"20", "IQ2_XS"}, {"21", "Q2_K_S"}, {"22", "IQ3_XS"},
            {"23", "IQ3_XXS"}, {"24", "IQ1_S"}, {"25", "IQ4_NL"}, {"26", "IQ3_S"}, {"27", "IQ3_M"},
            {"28", "IQ2_S"}, {"29", "IQ2_M"}, {"30", "IQ4_XS"}, {"31", "IQ1_M"}, {"32", "BF16"},
            {"36", "TQ1_0"}, {"37", "TQ2_0"}, {"38", "MXFP4_MOE"},
        };
        for (String[] row : table) {
            NAMES[Integer.parseInt(row[0])] = row[1];
        }
    }

    /** The name for a {@code general.file_type} value, e.g. 15 → {@code Q4_K_M}; empty when unknown. */
    public static Optional<String> name(long fileType) {
        return fileType >= 0 && fileType < NAMES.length ? Optional.ofNullable(NAMES[(int) fileType]) : Optional.empty();
    }

    /** The {@code general.file_type} value for a name such as {@code Q4_K_M} (case-insensitive). */
    public static Optional<Integer> id(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] != null && NAMES[i].equalsIgnoreCase(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
