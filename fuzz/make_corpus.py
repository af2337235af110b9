#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets under fuzz/corpus/<target>/.

Seeds are small valid inputs; libFuzzer mutates them. JSON seeds are copied from the test data
(tests/data/tokenizers, tests/data/models); .npy seeds come from numpy itself; safetensors seeds
are written by tools/export_attention.py's writer, plus the header of a real test model (the
harness also parses every input as the prefix of a much larger file, so a header alone is a
valid seed).

Run with an interpreter that has numpy (the Debian one here):
    /usr/bin/python3 fuzz/make_corpus.py
"""

import io
import os
import shutil
import struct
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from export_attention import write_safetensors  # noqa: E402

CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def target_dir(name):
    path = os.path.join(CORPUS, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def copy(src, dst_dir, name):
    shutil.copyfile(os.path.join(ROOT, src), os.path.join(dst_dir, name))


def tokenizer_json():
    out = target_dir("fuzz_tokenizer_json")
    data = "tests/data/tokenizers"
    for name in ["bpe-ignore-merges", "bpe-subword-prefix", "bpe-word-suffix"]:
        copy(f"{data}/{name}/tokenizer.json", out, f"{name}.json")
    # Skeletons are complete tokenizer.json files with an empty vocabulary: they cover the
    # BERT, GPT-2, RoBERTa and Sequence pipelines.
    for name in ["bert-base-uncased", "gpt2-prefix-space", "roberta", "wordpiece-sequence"]:
        copy(f"{data}/{name}/tokenizer.skeleton.json", out, f"{name}.skeleton.json")


def config_json():
    out = target_dir("fuzz_config_json")
    for name in ["bert_mlm", "distilbert_sinusoidal_qa", "gpt2_lm_head", "roberta_mlm_padded"]:
        copy(f"tests/data/models/{name}/config.json", out, f"{name}.json")


def npy():
    out = target_dir("fuzz_npy")
    arrays = {
        "f4_2x3": np.array([[0.5, -1.5, 3.0], [1e-3, 65504.0, -0.0]], dtype="<f4"),
        "f8_4": np.array([1.5, 0.1, -1e300, 5e-324], dtype="<f8"),
        "be_f4_2": np.array([1.0, -2.5], dtype=">f4"),
        "bool_2x2": np.array([[True, False], [False, True]]),
        "u1_3": np.array([0, 7, 255], dtype="u1"),
        "scalar": np.array(3.5, dtype="<f4"),
        "empty_0x3": np.zeros((0, 3), dtype="<f4"),
        "attn_1x2x3x3": np.full((1, 2, 3, 3), 1 / 3, dtype="<f4"),
    }
    for name, array in arrays.items():
        np.save(os.path.join(out, name + ".npy"), array)
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([1.0, 2.0], dtype="<f4"), version=(2, 0))
    with open(os.path.join(out, "version2.npy"), "wb") as f:
        f.write(buffer.getvalue())


def safetensors_header():
    out = target_dir("fuzz_safetensors_header")
    rng = np.random.default_rng(0)
    attentions = rng.random((3, 2, 4, 4)).astype(np.float32)
    write_safetensors(os.path.join(out, "attention_3_layers.safetensors"), attentions,
                      ["a", "b", "c", "d"])

    def raw(name, header, data=b""):
        import json
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(os.path.join(out, name), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + data)

    raw("dtypes.safetensors", {
        "__metadata__": {"format": "pt"},
        "f16": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
        "bf16": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]},
        "f64": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]},
        "i64": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]},
        "empty": {"dtype": "F32", "shape": [0, 3], "data_offsets": [24, 24]},
    }, bytes(range(24)))
    raw("scalar.safetensors", {"s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}},
        struct.pack("<f", 1.5))
    # The header of a real checkpoint (F16, 40 tensors), without its data.
    with open(os.path.join(ROOT, "tests/data/models/bert_f16/model.safetensors"), "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = f.read(length)
    with open(os.path.join(out, "bert_f16_header_only.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", length) + header)


def coref_jsonl():
    out = target_dir("fuzz_coref_jsonl")
    with open(os.path.join(out, "two_sentences.jsonl"), "w", encoding="utf-8") as f:
        f.write('{"text": "The dog barked because it was hungry.", '
                '"links": [{"pronoun": [23, 25], "antecedent": [0, 7]}]}\n\n'
                '{"text": "Zoë met Chloé and she smiled.", '
                '"links": [{"pronoun": [18, 21], "antecedent": [8, 13]}]}\n')
    with open(os.path.join(out, "no_links_crlf.jsonl"), "wb") as f:
        f.write(b'\xef\xbb\xbf{"text": "x", "links": []}\r\n')


if __name__ == "__main__":
    tokenizer_json()
    config_json()
    npy()
    safetensors_header()
    coref_jsonl()
    for name in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, name))
        print(f"{name}: {len(files)} seeds")
