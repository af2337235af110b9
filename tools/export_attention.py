#!/usr/bin/env python3
"""Exports a Hugging Face model's attention for attnscope ("attention from elsewhere").

For models too big for a desktop: run them where they fit, then open the maps in attnscope.

    pip install torch transformers numpy
    python3 tools/export_attention.py bert-large-cased "The dog barked because it was hungry." \
        --out dog/

writes

    dog/attentions.npy   float32 [layers, heads, tokens, tokens]: attention probabilities, row i
                         is how token i attends to every token (rows sum to 1)
    dog/tokens.json      the tokens as a JSON list of strings, e.g. ["[CLS]", "the", ...]

With --format safetensors it writes one file instead, dog/attentions.safetensors, holding one
float32 [heads, tokens, tokens] tensor per layer ("layer0", "layer1", ...) and the tokens in its
metadata as {"tokens": "<JSON list>"}. attnscope reads both (core/io/importedattention.h).

    python3 tools/export_attention.py --self-check --out DIR

needs numpy only: it writes a synthetic example in both formats (random softmax maps, fixed seed)
plus expected.json with a few values to check against. tests/data/import/ holds its output.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np


def write_npy(out_dir, attentions, tokens):
    """attentions: float32 [L, H, S, S]; tokens: S strings."""
    np.save(os.path.join(out_dir, "attentions.npy"), attentions.astype("<f4"))
    with open(os.path.join(out_dir, "tokens.json"), "w", encoding="utf-8") as f:
        json.dump(tokens, f, ensure_ascii=False)


def write_safetensors(path, attentions, tokens, names=None):
    """One [H, S, S] float32 tensor per layer, tokens in __metadata__ (format: github.com/
    huggingface/safetensors: 8-byte little-endian header length, JSON header, raw data).
    Written by hand so that the safetensors package is not needed."""
    names = names or [f"layer{i}" for i in range(attentions.shape[0])]
    header = {"__metadata__": {"tokens": json.dumps(tokens, ensure_ascii=False)}}
    blobs = []
    offset = 0
    for name, layer in zip(names, attentions):
        data = np.ascontiguousarray(layer, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(layer.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data section starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def export_model(model_name, text, out_dir, fmt):
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name)
    try:
        # Fused attention kernels (sdpa, flash) return no weights; ask for the plain one.
        model = AutoModel.from_pretrained(model_name, attn_implementation="eager")
    except TypeError:  # transformers older than 4.36 has no attn_implementation
        model = AutoModel.from_pretrained(model_name)
    model.eval()
    inputs = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        outputs = model(**inputs, output_attentions=True)
    # outputs.attentions: one [batch=1, H, S, S] tensor per layer.
    attentions = torch.stack([a[0] for a in outputs.attentions]).float().numpy()
    tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
    write(out_dir, attentions, tokens, fmt)


def write(out_dir, attentions, tokens, fmt):
    os.makedirs(out_dir, exist_ok=True)
    assert attentions.ndim == 4 and attentions.shape[2] == attentions.shape[3] == len(tokens)
    if fmt == "npy":
        write_npy(out_dir, attentions, tokens)
    else:
        write_safetensors(os.path.join(out_dir, "attentions.safetensors"), attentions, tokens)


def self_check(out_dir, layers, heads):
    """A synthetic export in both formats, with the values a reader must find."""
    tokens = ["[CLS]", "the", "dog", "barked", "because", "it", "was", "hungry", "…", "[SEP]"]
    rng = np.random.default_rng(2019)
    scores = rng.normal(size=(layers, heads, len(tokens), len(tokens)))
    attentions = np.exp(scores - scores.max(axis=-1, keepdims=True))
    attentions = (attentions / attentions.sum(axis=-1, keepdims=True)).astype(np.float32)

    os.makedirs(out_dir, exist_ok=True)
    write_npy(out_dir, attentions, tokens)
    # The Hub's writer sorts tensors by name, which puts "layer10" before "layer2": so does this,
    # so that a reader has to order the layers by number itself.
    order = sorted(range(layers), key=lambda i: f"layer{i}")
    write_safetensors(os.path.join(out_dir, "attentions.safetensors"), attentions[order], tokens,
                      names=[f"layer{i}" for i in order])
    probes = [(l, h, q, k) for l, h, q, k in
              [(0, 0, 0, 0), (layers - 1, heads - 1, len(tokens) - 1, len(tokens) - 1),
               (min(2, layers - 1), 0, 5, 2), (min(10, layers - 1), heads - 1, 3, 7)]]
    expected = {
        "shape": list(attentions.shape),
        "tokens": tokens,
        # float32 values as their exact decimal expansion, so the test can compare bits.
        "probes": [{"index": list(p), "value": float(attentions[p])} for p in probes],
    }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    # Check what was written with numpy itself.
    back = np.load(os.path.join(out_dir, "attentions.npy"))
    assert back.dtype == np.float32 and np.array_equal(back, attentions)
    assert np.allclose(back.sum(axis=-1), 1.0, atol=1e-5)
    print(f"wrote {out_dir}: attentions {list(attentions.shape)}, {len(tokens)} tokens")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", help="Hugging Face model id or folder")
    parser.add_argument("text", nargs="?", help="the text to run the model on")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--format", choices=["npy", "safetensors"], default="npy")
    parser.add_argument("--self-check", action="store_true",
                        help="write a synthetic example (numpy only) instead of running a model")
    parser.add_argument("--layers", type=int, default=12, help="layers of the self-check example")
    parser.add_argument("--heads", type=int, default=2, help="heads of the self-check example")
    args = parser.parse_args()
    if args.self_check:
        self_check(args.out, args.layers, args.heads)
    elif args.model and args.text:
        export_model(args.model, args.text, args.out, args.format)
    else:
        parser.error("give a model and a text, or --self-check")


if __name__ == "__main__":
    sys.exit(main())
