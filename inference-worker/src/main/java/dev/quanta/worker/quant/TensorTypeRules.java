package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which type each tensor gets, as llama.cpp's {@code llama_tensor_get_type} decides (src/llama-quant.cpp at
 * 3f545bec), for the dense models and file types {@link QuantFileType} covers:
 * <ol>
 *   <li>tensors that are not quantized keep their type: 1-D tensors, names not ending in {@code weight},
 *       norms, {@code ffn_gate_inp}, positional and token-type embeddings;</li>
 *   <li>for a quantized file type, the first {@code --tensor-type} pattern found in the name (regex search)
 *       wins; otherwise, unless {@code --pure}, the mix rules: output (and a tied token embedding) → Q6_K
 *       (Q8_0 when its rows are not a multiple of the block), attention-V / FFN-down / attention-output
 *       raised on the layers {@code use_more_bits} picks for the _M/_L mixes, and so on;</li>
 *   <li>rows not a multiple of the chosen type's block fall back (Q2_K/Q3_K → Q4_0, Q4_K → Q5_0,
 *       Q5_K → Q5_1, Q6_K → Q8_0, then F16 if still not a multiple); other types have no fallback, as in
 *       llama.cpp, and are refused.</li>
 * </ol>
 * Counters (the i-th attention-V, the i-th FFN-down) advance in llama.cpp's tensor order ({@link #ORDER}: by
 * layer number, then name), which is also the order {@code quantize} writes.
 */
public final class TensorTypeRules {

    /** The model facts the rules read ({@code hparams}); {@code nExpert} 0 for dense models. */
    public record ModelInfo(String architecture, int nLayer, int nHead, int nHeadKv, int nExpert) {

        int nGqa() {
            return nHeadKv == 0 ? 0 : nHead / nHeadKv;
        }

        /** LLM_TYPE_70B: an 80-layer Llama with grouped-query attention. */
        boolean is70B() {
            return architecture.equals("llama") && nLayer == 80 && nHead != nHeadKv;
        }

        boolean isFalcon() {
            return architecture.equals("falcon");
        }
    }

    /** A {@code --tensor-type PATTERN=TYPE} override; the pattern is searched in the name (lower-cased, as llama-quantize). */
    public record Override(Pattern pattern, GgmlType type) {

        /** Parses {@code PATTERN=TYPE}. */
        public static Override parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--tensor-type wants PATTERN=TYPE, got '" + spec + "'");
            }
            String type = spec.substring(eq + 1).trim().toUpperCase(java.util.Locale.ROOT);
            GgmlType t;
            try {
                t = GgmlType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tensor-type: unknown type '" + spec.substring(eq + 1) + "'");
            }
            if (!dev.quanta.kernels.quant.Quantize.supports(t) || t == GgmlType.Q8_1 || t == GgmlType.Q8_K) {
                throw new IllegalArgumentException("--tensor-type: cannot quantize to " + t);
            }
            return new Override(Pattern.compile(spec.substring(0, eq).toLowerCase(java.util.Locale.ROOT)), t);
        }
    }

    /** A tensor as the rules see it: name, dimensions, row length (ne0) and current type. */
    public record TensorShape(String name, int nDims, long rowLength, GgmlType type) {}

    /** llama.cpp's {@code weight_name_comparer}: layer number of {@code blk.N.} (-1 for others), then name. */
    public static final Comparator<String> ORDER = Comparator.comparingInt(TensorTypeRules::layerOf)
            .thenComparing(Comparator.naturalOrder());

    private static final Pattern BLOCK = Pattern.compile("^blk\\.(\\d+)\\.");

    private final ModelInfo model;
    private final QuantFileType fileType;
    private final boolean pure;
    private final List<Override> overrides;
    private final boolean hasImatrix;

    private int nAttentionWv;
    private int iAttentionWv;
    private int iFfnDown;
    private int iFfnGate;
    private int iFfnUp;
    private boolean tiedEmbeddings = true;
    private final List<String> fallbacks = new ArrayList<>();

    public TensorTypeRules(ModelInfo model, QuantFileType fileType, boolean pure, List<Override> overrides,
            boolean hasImatrix) {
        this.model = model;
        this.fileType = fileType;
        this.pure = pure;
        this.overrides = List.copyOf(overrides);
        this.hasImatrix = hasImatrix;
    }

    static int layerOf(String name) {
        Matcher m = BLOCK.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Types for {@code tensors}, which must be in {@link #ORDER}; one call per instance. */
    public List<GgmlType> choose(List<TensorShape> tensors) {
        for (TensorShape t : tensors) {
            TensorCategory c = TensorCategory.of(t.name());
            if (c.isAttnV()) {
                nAttentionWv++;
            }
            if (c == TensorCategory.OUTPUT) {
                tiedEmbeddings = false;
            }
        }
        List<GgmlType> out = new ArrayList<>(tensors.size());
        for (TensorShape t : tensors) {
            out.add(allowsQuantization(t) ? typeOf(t) : t.type());
        }
        return out;
    }

    /** Descriptions of the tensors that needed a fallback type ("name: Q4_K -> Q5_0"). */
    public List<String> fallbacks() {
        return List.copyOf(fallbacks);
    }

    /** tensor_allows_quantization for the tensor names a dense decoder has. */
    static boolean allowsQuantization(TensorShape t) {
        String name = t.name();
        if (t.nDims() < 2 || !name.endsWith("weight")) {
            return false;
        }
        return !name.contains("_norm.weight") && !name.contains("ffn_gate_inp.weight")
                && !name.equals("position_embd.weight") && !name.equals("token_types.weight")
                && !name.contains("attn_rel_b.weight") && !name.contains("ssm_conv1d");
    }

    private GgmlType typeOf(TensorShape t) {
        GgmlType type = fileType.defaultType();
        if (!isQuantized(type)) {
            return type;
        }
        boolean manual = false;
        for (Override o : overrides) {
            // NOTE: llama.cpp searches the tensor's own name with the lower-cased pattern
            if (o.pattern().matcher(t.name()).find()) {
                type = o.type();
                manual = true;
                break;
            }
        }
        if (!manual && !pure) {
            type = mix(type, t, TensorCategory.of(t.name()));
        }
        return fallback(t, type);
    }

    static boolean isQuantized(GgmlType t) {
        return t != GgmlType.F32 && t != GgmlType.F16 && t != GgmlType.BF16;
    }

    private static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /** llama_tensor_get_type_impl, for the file types of {@link QuantFileType}. */
    private GgmlType mix(GgmlType newType, TensorShape t, TensorCategory category) {
        QuantFileType ft = fileType;
        if (category == TensorCategory.OUTPUT || (tiedEmbeddings && category == TensorCategory.TOKEN_EMBD)) {
            if (model.isFalcon() || t.rowLength() % newType.blockSize() != 0) {
                return GgmlType.Q8_0;
            }
            return newType != GgmlType.Q8_0 ? GgmlType.Q6_K : newType;
        }
        if (category == TensorCategory.TOKEN_EMBD) {
            return newType;
        }
        if (category.isAttnV()) {
            if (ft == QuantFileType.Q2_K) {
                newType = model.nGqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (ft == QuantFileType.Q3_K_M) {
                newType = iAttentionWv < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (ft == QuantFileType.Q3_K_L) {
                newType = GgmlType.Q5_K;
            } else if (ft == QuantFileType.IQ4_NL && model.nGqa() >= 4) {
                newType = GgmlType.Q5_K;
            } else if ((ft == QuantFileType.Q4_K_M || ft == QuantFileType.Q5_K_M)
                    && useMoreBits(iAttentionWv, nAttentionWv)) {
                newType = GgmlType.Q6_K;
            } else if (ft == QuantFileType.Q4_K_S && iAttentionWv < 4) {
                newType = GgmlType.Q5_K;
            }
            if (model.is70B() && (newType == GgmlType.Q3_K || newType == GgmlType.Q4_K)) {
                newType = GgmlType.Q5_K;
            }
            if (model.nExpert() == 8) {
                newType = GgmlType.Q8_0;
            }
            iAttentionWv++;
            return newType;
        }
        if (category == TensorCategory.ATTENTION_K) {
            return model.nExpert() == 8 ? GgmlType.Q8_0 : newType;
        }
        if (category == TensorCategory.FFN_DOWN) {
            int[] info = layerInfo(iFfnDown, t.name());
            int iLayer = info[0];
            int nLayer = info[1];
            if (ft == QuantFileType.Q2_K) {
                newType = GgmlType.Q3_K;
            } else if (ft == QuantFileType.Q3_K_M) {
                newType = iLayer < nLayer / 16 ? GgmlType.Q5_K
                        : !model.isFalcon() || useMoreBits(iLayer, nLayer) ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (ft == QuantFileType.Q3_K_L) {
                newType = model.isFalcon() ? GgmlType.Q4_K : GgmlType.Q5_K;
            } else if (ft == QuantFileType.Q4_K_M) {
                if (model.isFalcon()) {
                    newType = iLayer < nLayer / 16 ? GgmlType.Q6_K
                            : useMoreBits(iLayer, nLayer) ? GgmlType.Q5_K : GgmlType.Q4_K;
                } else if (useMoreBits(iLayer, nLayer)) {
                    newType = GgmlType.Q6_K;
                }
            } else if (iLayer < nLayer / 8 && ft == QuantFileType.IQ4_NL && !hasImatrix) {
                newType = GgmlType.Q5_K;
            } else if (ft == QuantFileType.Q5_K_M && useMoreBits(iLayer, nLayer)) {
                newType = GgmlType.Q6_K;
            } else if (ft == QuantFileType.Q4_K_S && !model.isFalcon() && iLayer < nLayer / 8) {
                newType = GgmlType.Q5_K;
            } else if ((ft == QuantFileType.Q4_0 || ft == QuantFileType.Q5_0) && hasImatrix && iLayer < nLayer / 8) {
                newType = ft == QuantFileType.Q4_0 ? GgmlType.Q4_1 : GgmlType.Q5_1;
            }
            iFfnDown++;
            return newType;
        }
        if (category == TensorCategory.ATTENTION_OUTPUT) {
            if (!model.isFalcon()) {
                if (model.nExpert() == 8) {
                    if (ft == QuantFileType.Q2_K || ft == QuantFileType.Q3_K_S || ft == QuantFileType.Q3_K_M
                            || ft == QuantFileType.IQ4_NL || ft == QuantFileType.Q4_K_S
                            || ft == QuantFileType.Q4_K_M) {
                        newType = GgmlType.Q5_K;
                    }
                } else if (ft == QuantFileType.Q2_K) {
                    newType = GgmlType.Q3_K;
                } else if (ft == QuantFileType.Q3_K_M) {
                    newType = GgmlType.Q4_K;
                } else if (ft == QuantFileType.Q3_K_L) {
                    newType = GgmlType.Q5_K;
                }
            } else if (ft == QuantFileType.Q3_K_L) {
                newType = GgmlType.Q4_K;
            }
            return newType;
        }
        if (category == TensorCategory.ATTENTION_QKV) {
            if (ft == QuantFileType.Q3_K_M || ft == QuantFileType.Q3_K_L) {
                newType = GgmlType.Q4_K;
            } else if (ft == QuantFileType.Q4_K_M) {
                newType = GgmlType.Q5_K;
            } else if (ft == QuantFileType.Q5_K_M) {
                newType = GgmlType.Q6_K;
            }
            return newType;
        }
        if (category == TensorCategory.FFN_GATE) {
            layerInfo(iFfnGate, t.name());
            iFfnGate++;
        } else if (category == TensorCategory.FFN_UP) {
            layerInfo(iFfnUp, t.name());
            iFfnUp++;
        }
        return newType;
    }

    /** layer_info: the running counter for dense models, the name's block number for MoE ones. */
    private int[] layerInfo(int counter, String name) {
        int n = model.nLayer();
        if (model.nExpert() > 1) {
            int layer = layerOf(name);
            if (layer < 0 || layer >= n) {
                throw new IllegalArgumentException("cannot determine the layer of tensor " + name);
            }
            return new int[] {layer, n};
        }
        return new int[] {counter, n};
    }

    /** tensor_type_fallback. */
    private GgmlType fallback(TensorShape t, GgmlType target) {
        if (t.rowLength() % target.blockSize() == 0) {
            return target;
        }
        GgmlType back = switch (target) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("tensor " + t.name() + ": row length " + t.rowLength()
                    + " is not a multiple of " + target + "'s block of " + target.blockSize()
                    + " and llama.cpp defines no fallback for " + target
                    + " (keep it in another type, e.g. --tensor-type " + shortName(t.name()) + "=F16)");
        };
        if (t.rowLength() % back.blockSize() != 0) {
            back = GgmlType.F16;
        }
        fallbacks.add(t.name() + ": " + target + " -> " + back);
        return back;
    }

    private static String shortName(String name) {
        String s = name.replaceFirst("^blk\\.\\d+\\.", "");
        return s.endsWith(".weight") ? s.substring(0, s.length() - ".weight".length()) : s;
    }
}
