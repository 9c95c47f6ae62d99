#!/usr/bin/env python3
"""Writes a vocab-only GGUF shaped like the phi-3 family's tokenizer, for llama.cpp's llama-tokenize to tokenize.

The phi-3 tokenizer is Llama 2's SentencePiece vocabulary (32,000 tokens) plus added tokens from id 32000
(<|endoftext|>, <|assistant|>, <|placeholderN|>, <|system|>, <|end|>, <|user|>). llama.cpp recognises the family by
general.name containing "phi-3"/"phi3" and then gives special tokens the RSTRIP attribute (whitespace after them is
dropped), except <unk>, <s> and <|endoftext|>. This script takes the shared llama-spm vocabulary, appends those added
tokens as control tokens and names the file "Phi3 ...", so llama.cpp applies its phi-3 rules to it.

Usage: PYTHONPATH=<llama.cpp>/gguf-py python3 phi3-like-vocab.py <ggml-vocab-llama-spm.gguf> <out.gguf>
(gguf-py's package imports tqdm only for progress bars; any stub module named tqdm will do if it is missing.)
"""
import sys

from gguf import GGUFReader, GGUFWriter, GGUFValueType, TokenType

ADDED = ["<|endoftext|>", "<|assistant|>", "<|placeholder1|>", "<|placeholder2|>", "<|placeholder3|>",
         "<|placeholder4|>", "<|system|>", "<|end|>", "<|placeholder5|>", "<|placeholder6|>", "<|user|>"]


def field(reader, key):
    f = reader.fields[key]
    if f.types[0] == GGUFValueType.ARRAY:
        if f.types[1] == GGUFValueType.STRING:
            return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
        return [f.parts[i][0].item() for i in f.data]
    if f.types[0] == GGUFValueType.STRING:
        return bytes(f.parts[f.data[0]]).decode("utf-8")
    return f.parts[f.data[0]][0].item()


def main(src, dst):
    r = GGUFReader(src)
    tokens = field(r, "tokenizer.ggml.tokens") + ADDED
    scores = field(r, "tokenizer.ggml.scores") + [0.0] * len(ADDED)
    types = field(r, "tokenizer.ggml.token_type") + [int(TokenType.CONTROL)] * len(ADDED)

    w = GGUFWriter(dst, "llama")
    w.add_name("Phi3 (phi-3-like test vocabulary: llama-spm + phi-3's added tokens)")
    for key in ["block_count", "context_length", "embedding_length", "feed_forward_length",
                "attention.head_count", "attention.head_count_kv", "rope.dimension_count"]:
        w.add_uint32("llama." + key, field(r, "llama." + key))
    w.add_float32("llama.attention.layer_norm_rms_epsilon", field(r, "llama.attention.layer_norm_rms_epsilon"))
    w.add_uint32("llama.vocab_size", len(tokens))
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(field(r, "tokenizer.ggml.bos_token_id"))
    w.add_eos_token_id(field(r, "tokenizer.ggml.eos_token_id"))
    w.add_unk_token_id(field(r, "tokenizer.ggml.unknown_token_id"))
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: phi3-like-vocab.py <ggml-vocab-llama-spm.gguf> <out.gguf>")
    main(sys.argv[1], sys.argv[2])
