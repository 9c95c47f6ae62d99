/**
 * GGUF model files: reading, writing and describing them.
 *
 * <ul>
 *   <li>{@link dev.quanta.gguf.GgufFile#open} maps a file and parses its header (format described at the
 *       top of {@code GgufReader}); tensor data stays in the mapping ({@link dev.quanta.gguf.GgufFile#tensorData}).
 *   <li>{@link dev.quanta.gguf.GgufFile#readHeader} parses only the header (registry import, gguf-info).
 *   <li>{@link dev.quanta.gguf.GgufMetadata} gives typed access to metadata, {@link dev.quanta.gguf.GgufKeys}
 *       names the standard keys, {@link dev.quanta.gguf.GgufSummary} derives the facts shown to users.
 *   <li>{@link dev.quanta.gguf.GgufWriter} writes v3 files that llama.cpp loads (it reproduces llama.cpp's own
 *       files byte for byte).
 * </ul>
 *
 * <p>Errors: anything wrong with a file's content, including a missing or mistyped metadata key, is a
 * {@link dev.quanta.gguf.GgufFormatException} (a checked {@link java.io.IOException}) whose message names
 * the problem and, where it has one, the byte offset. Corrupt files never cause other exceptions, absurd
 * allocations or crashes; {@code GgufReaderFuzzTest} fuzzes this.
 */
package dev.quanta.gguf;
