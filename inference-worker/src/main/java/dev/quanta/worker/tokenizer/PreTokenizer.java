package dev.quanta.worker.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regex pre-tokenizers of byte-level BPE vocabularies, selected by {@code tokenizer.ggml.pre}.
 *
 * <p>As in llama.cpp, the expressions are applied one after another: each splits every piece produced so far
 * into its matches and the unmatched text between them (both kept). A piece is matched on its own: lookahead
 * and {@code $} do not see past its end. {@code \s} is Unicode white space ({@link Pattern#UNICODE_CHARACTER_CLASS}),
 * {@code \p{L}}, {@code \p{N}}, {@code \p{P}} are Unicode general categories.
 */
enum PreTokenizer {
    // the Llama 3 expression, with (?i:'s|'t|...) spelled out case by case as llama.cpp does
    LLAMA3("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    QWEN2("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    GPT2(Expressions.GPT2),
    STARCODER("\\p{N}", Expressions.GPT2),
    FALCON("[\\p{P}\\$\\+<=>\\^~\\|`]+", Expressions.GPT2, "[0-9][0-9][0-9]"),
    DEEPSEEK_LLM("[\\r\\n]", Expressions.DEEPSEEK_LETTERS,
            "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+", "\\s+\\z",
            Expressions.CJK, "\\p{N}+"),
    DEEPSEEK_CODER("[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", Expressions.CJK, "\\p{N}"),
    DEEPSEEK3("\\p{N}{1,3}", "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                    + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** BLOOM, Poro, GPT-3 Finnish: words up to white space or sentence punctuation. */
    BLOOM(Expressions.BLOOM_WORDS),
    VIKING(Expressions.BLOOM_WORDS, "\\p{N}"),
    /** llama.cpp's default when a BPE file names no pre-tokenizer. */
    DEFAULT("[\\p{P}\\$\\+<=>\\^~\\|]+", Expressions.GPT2, "\\p{N}+", "[0-9][0-9][0-9]");

    private static final System.Logger LOG = System.getLogger(PreTokenizer.class.getName());

    /** {@code tokenizer.ggml.pre} names → pre-tokenizer (llama.cpp's aliases). */
    private static final Map<String, PreTokenizer> BY_NAME = Map.ofEntries(
            Map.entry("default", DEFAULT),
            Map.entry("llama3", LLAMA3), Map.entry("llama-v3", LLAMA3), Map.entry("llama-bpe", LLAMA3),
            Map.entry("falcon3", LLAMA3), Map.entry("dbrx", LLAMA3), Map.entry("smaug-bpe", LLAMA3),
            Map.entry("qwen2", QWEN2), Map.entry("stablelm2", QWEN2), Map.entry("megrez", QWEN2),
            Map.entry("gpt-2", GPT2), Map.entry("phi-2", GPT2), Map.entry("mpt", GPT2), Map.entry("olmo", GPT2),
            Map.entry("jais", GPT2), Map.entry("roberta-bpe", GPT2),
            Map.entry("starcoder", STARCODER), Map.entry("refact", STARCODER), Map.entry("smollm", STARCODER),
            Map.entry("command-r", STARCODER), Map.entry("codeshell", STARCODER), Map.entry("exaone", STARCODER),
            Map.entry("minerva-7b", STARCODER),
            Map.entry("falcon", FALCON),
            Map.entry("deepseek-llm", DEEPSEEK_LLM),
            Map.entry("deepseek-coder", DEEPSEEK_CODER),
            Map.entry("deepseek-v3", DEEPSEEK3),
            Map.entry("bloom", BLOOM), Map.entry("poro-chat", BLOOM), Map.entry("gpt3-finnish", BLOOM),
            Map.entry("viking", VIKING),
            Map.entry("jina-es", GPT2), Map.entry("jina-de", GPT2),
            Map.entry("gigachat", GPT2), Map.entry("jina-v1-en", GPT2), Map.entry("jina-v2-es", GPT2),
            Map.entry("jina-v2-de", GPT2), Map.entry("jina-v2-code", GPT2));

    private final List<Pattern> patterns;
    /** Whether the whole word is looked up before merging (llama.cpp's {@code ignore_merges}). */
    private final boolean ignoreMerges;

    PreTokenizer(String... expressions) {
        List<Pattern> list = new ArrayList<>();
        for (String e : expressions) {
            list.add(Pattern.compile(e, Pattern.UNICODE_CHARACTER_CLASS));
        }
        this.patterns = List.copyOf(list);
        this.ignoreMerges = name().equals("LLAMA3");
    }

    boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** Whether vocabularies with this pre-tokenizer add BOS by default (Llama 3 does). */
    boolean addsBosByDefault() {
        return this == LLAMA3;
    }

    /**
     * The pre-tokenizer named {@code name}: absent → llama.cpp's default; unknown → GPT-2's, with a warning.
     */
    static PreTokenizer forName(String name) {
        if (name == null || name.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "BPE vocabulary names no pre-tokenizer; using the default");
            return DEFAULT;
        }
        PreTokenizer p = BY_NAME.get(name);
        if (p == null) {
            LOG.log(System.Logger.Level.WARNING, "unknown pre-tokenizer ''{0}'', falling back to gpt-2''s", name);
            return GPT2;
        }
        return p;
    }

    /** The words of {@code text}, in order; their concatenation is {@code text}. */
    List<String> split(String text) {
        // piece boundaries as char offsets: [0, b1, b2, ..., text.length()]
        List<int[]> pieces = new ArrayList<>();
        pieces.add(new int[] {0, text.length()});
        for (Pattern p : patterns) {
            List<int[]> next = new ArrayList<>(pieces.size() * 2);
            Matcher m = p.matcher(text);
            for (int[] piece : pieces) {
                m.region(piece[0], piece[1]);
                int pos = piece[0];
                while (m.find()) {
                    if (m.end() == m.start()) {
                        continue; // no expression should match empty text; never emit empty words
                    }
                    if (m.start() > pos) {
                        next.add(new int[] {pos, m.start()});
                    }
                    next.add(new int[] {m.start(), m.end()});
                    pos = m.end();
                }
                if (pos < piece[1]) {
                    next.add(new int[] {pos, piece[1]});
                }
            }
            pieces = next;
        }
        List<String> words = new ArrayList<>(pieces.size());
        for (int[] piece : pieces) {
            words.add(text.substring(piece[0], piece[1]));
        }
        return words;
    }

    private static final class Expressions {
        static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
        static final String BLOOM_WORDS = " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";
        static final String CJK = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
        /**
         * Letters of cased scripts (DeepSeek LLM's expression, as llama.cpp spells it out). NOTE: ASCII letters
         * first and the {@code \p{L}&&} intersection (all ranges are letters) only save time: Java tests a class of
         * ~100 ranges through as many nested calls, so most characters should be decided before it. It stays one
         * character class: a repeated group ({@code (?:a|b)+}) recurses per character and overflows the stack on
         * long words.
         */
        static final String DEEPSEEK_LETTERS =
                "\\s?[A-Za-z[\\p{L}&&[\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-"
                + "\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}"
                + "\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}"
                + "\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}"
                + "\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}"
                + "\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}"
                + "\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}"
                + "\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}\\x{1FF2}-\\x{1FF4}"
                + "\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}\\x{2124}"
                + "\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-"
                + "\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}"
                + "\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}"
                + "\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}"
                + "\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-"
                + "\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]]]+";

        private Expressions() {}
    }
}
