#!/usr/bin/env python3
"""Compare two GGUF files tensor by tensor: names, order, types, shapes and data bytes (metadata is not compared).
Usage: compare-gguf.py A.gguf B.gguf   (needs llama.cpp's gguf-py on PYTHONPATH, e.g. /work/llama.cpp/gguf-py)"""
import sys
from gguf import GGUFReader

a, b = GGUFReader(sys.argv[1]), GGUFReader(sys.argv[2])
ta, tb = {t.name: t for t in a.tensors}, {t.name: t for t in b.tensors}
bad = 0
if [t.name for t in a.tensors] != [t.name for t in b.tensors]:
    print("tensor order differs"); bad += 1
for name in ta.keys() | tb.keys():
    if name not in ta or name not in tb:
        print(f"{name}: only in one file"); bad += 1; continue
    x, y = ta[name], tb[name]
    if x.tensor_type != y.tensor_type or list(x.shape) != list(y.shape):
        print(f"{name}: {x.tensor_type.name}{list(x.shape)} vs {y.tensor_type.name}{list(y.shape)}"); bad += 1; continue
    if x.data.tobytes() != y.data.tobytes():
        print(f"{name}: {x.tensor_type.name} data differs"); bad += 1
print(f"{len(ta)} tensors, {bad} differences")
sys.exit(1 if bad else 0)
