/**
 * Tokenizers and chat templates, with llama.cpp's semantics, as a pure core (JDK, the GGUF reader, jinjava).
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link dev.quanta.worker.tokenizer.Tokenizers#fromGguf(dev.quanta.gguf.GgufMetadata)} →
 *       {@link dev.quanta.worker.tokenizer.Tokenizer}: {@code encode}, {@code decode}, {@code piece}, BOS/EOS/EOT,
 *       {@code isEog}; {@link dev.quanta.worker.tokenizer.Detokenizer} for streaming.</li>
 *   <li>{@link dev.quanta.worker.tokenizer.ChatTemplates#forModel} → {@link dev.quanta.worker.tokenizer.ChatTemplate};
 *       {@link dev.quanta.worker.tokenizer.ChatTemplates#encodePrompt} turns the rendered text into ids.</li>
 * </ul>
 *
 * <h2>Behaviour (and where it deliberately differs from llama.cpp)</h2>
 * <ul>
 *   <li>Encoding follows {@code llama-vocab.cpp}: special-token partition (longest first; user-defined tokens
 *       always, control tokens only with parse-special), SentencePiece space prefix at the start and after each
 *       special token, score-ordered merges with {@code <0xNN>} byte fallback, byte-level BPE with the regex
 *       pre-tokenizer named by {@code tokenizer.ggml.pre} (unknown names fall back to GPT-2's with a warning).
 *       Verified against llama.cpp's vectors for six vocabularies.</li>
 *   <li>{@code decode} concatenates token pieces (what llama-server streams) without HF's
 *       {@code clean_up_tokenization_spaces}, so byte-level BPE round-trips any text. The one space SentencePiece
 *       prefixes is removed only when the ids start with BOS (a whole prompt); a continuation keeps its leading
 *       space. llama.cpp's {@code llama_detokenize} removes it in the opposite case.</li>
 *   <li>Not supported: WPM, UGM and RWKV vocabularies; the per-model LSTRIP/RSTRIP token attributes
 *       (phi-3, jina); the tekken, chameleon and chatglm-bpe pre-tokenizers (they fall back to GPT-2's with a
 *       warning).</li>
 *   <li>Chat templates run on jinjava with Hugging Face's settings ({@code trim_blocks}, {@code lstrip_blocks},
 *       loop controls), {@code raise_exception}, and Python string methods added.</li>
 * </ul>
 */
package dev.quanta.worker.tokenizer;
