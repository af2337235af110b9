#!/usr/bin/python3
"""Writes the PyTorch reference fixtures of tests/core/test_torch_fixtures.cpp.

Each case builds a torch.nn.MultiheadAttention(batch_first=True) with a fixed seed, runs it in
float32 and writes one folder under --out (default tests/data/torch_mha):

  state_dict.safetensors  the module's state_dict, float32, PyTorch's key names
  query.npy               [B, S, E]
  key.npy, value.npy      [B, T, kdim], [B, T, vdim]; absent for self-attention (query is reused)
  key_padding_mask.npy    bool [B, T], True = ignore that key (optional)
  attn_mask.npy           bool [S, T] / [B*H, S, T] (True = hidden) or float32 additive (optional)
  weights.npy             float32 [B, H, S, T'] (need_weights=True, average_attn_weights=False)
  output.npy              float32 [B, S, E]
  case.json               {"heads", "causal", "add_zero_attn", "self_attention", "description"}

Causal cases give PyTorch an explicit float mask (-inf where key j > query i, top-left aligned) but
write no attn_mask.npy: the test sets attnscope's own causal flag instead.

Run with the Debian interpreter, the only one that imports torch here:
    /usr/bin/python3 tools/make_fixtures.py [--out tests/data/torch_mha]

The module runs in .train() mode with dropout=0.0: that is the canonical (slow) path, and
torch 1.13's eval fast path refuses bias=False. No case leaves a query with every key hidden
(PyTorch returns NaN there, attnscope zeros by design).

Seeds are fixed, so a rerun with the same torch and BLAS rewrites identical bytes; another BLAS
kernel (e.g. LD_LIBRARY_PATH=.../openblas-openmp) changes the last bits of weights/output only.
"""

import argparse
import json
import math
import os
import shutil
import struct
import sys
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Case:
    name: str
    description: str
    batch: int = 1
    seq: int = 4
    key_seq: int | None = None  # None: self-attention (T = S, key = value = query)
    embed: int = 8
    heads: int = 2
    kdim: int | None = None
    vdim: int | None = None
    bias: bool = True
    add_bias_kv: bool = False
    add_zero_attn: bool = False
    causal: bool = False
    key_padding: bool = False
    # attn_mask: None, "bool2d", "bool3d", "float2d", "float3d"
    attn_mask: str | None = None

    @property
    def self_attention(self) -> bool:
        return self.key_seq is None


CASES = [
    Case("seq1_self", "S=1 self-attention", seq=1, embed=8, heads=2),
    Case("seq1_key1_cross", "S=1, T=1 cross-attention", seq=1, key_seq=1, embed=8, heads=2),
    Case("heads1_self", "one head", seq=5, embed=8, heads=1),
    Case("headdim1_e4_h4", "head dim 1 (E = H = 4)", seq=6, embed=4, heads=4),
    Case("headdim1_e1_h1", "E = H = 1", batch=2, seq=3, embed=1, heads=1),
    Case("cross_s5_t9", "cross-attention T > S", seq=5, key_seq=9, embed=16, heads=4),
    Case("cross_s9_t3", "cross-attention T < S", batch=2, seq=9, key_seq=3, embed=16, heads=4),
    Case("kdim10_vdim6", "separate projections, kdim and vdim != E", seq=4, key_seq=7,
         embed=16, heads=2, kdim=10, vdim=6),
    Case("kdim_e_vdim20", "separate projections, kdim = E, vdim != E", batch=2, seq=3, key_seq=5,
         embed=12, heads=3, vdim=20),
    Case("nobias_self", "bias=False self-attention", batch=2, seq=6, embed=16, heads=4, bias=False),
    Case("nobias_kdim_vdim", "bias=False with kdim/vdim != E", seq=5, key_seq=4, embed=8, heads=2,
         kdim=5, vdim=3, bias=False),
    Case("bias_kv", "add_bias_kv", batch=2, seq=5, embed=16, heads=4, add_bias_kv=True),
    Case("zero_attn", "add_zero_attn", batch=2, seq=5, embed=16, heads=4, add_zero_attn=True),
    Case("bias_kv_zero_attn_padding", "add_bias_kv + add_zero_attn + key padding", batch=2, seq=4,
         key_seq=6, embed=12, heads=3, add_bias_kv=True, add_zero_attn=True, key_padding=True),
    Case("key_padding_b3", "key padding mask, batch 3", batch=3, seq=6, key_seq=8, embed=16,
         heads=4, key_padding=True),
    Case("bool_mask_2d", "bool attn_mask [S, T]", batch=2, seq=6, key_seq=7, embed=16, heads=2,
         attn_mask="bool2d"),
    Case("bool_mask_3d", "bool attn_mask [B*H, S, T]", batch=2, seq=5, key_seq=6, embed=12,
         heads=3, attn_mask="bool3d"),
    Case("float_mask_2d", "float additive attn_mask [S, T] with -inf", batch=2, seq=6, key_seq=5,
         embed=16, heads=4, attn_mask="float2d"),
    Case("float_mask_3d", "float additive attn_mask [B*H, S, T] with -inf", batch=2, seq=4,
         key_seq=7, embed=8, heads=2, attn_mask="float3d"),
    Case("bool_mask_2d_padding", "bool attn_mask [S, T] + key padding", batch=2, seq=5, key_seq=6,
         embed=8, heads=2, attn_mask="bool2d", key_padding=True),
    Case("float_mask_3d_padding", "float attn_mask [B*H, S, T] + key padding", batch=3, seq=4,
         key_seq=6, embed=12, heads=3, attn_mask="float3d", key_padding=True),
    Case("float_mask_2d_bias_kv", "float attn_mask [S, T] + add_bias_kv", batch=2, seq=5,
         embed=8, heads=2, attn_mask="float2d", add_bias_kv=True),
    Case("bool_mask_3d_zero_attn", "bool attn_mask [B*H, S, T] + add_zero_attn", batch=2, seq=4,
         key_seq=5, embed=8, heads=4, attn_mask="bool3d", add_zero_attn=True),
    Case("causal_self_s8", "causal self-attention S = T = 8", batch=2, seq=8, embed=16, heads=4,
         causal=True),
    Case("causal_cross_s5_t9", "causal cross-attention T > S (top-left aligned)", seq=5,
         key_seq=9, embed=16, heads=2, causal=True),
    Case("causal_cross_s6_t4", "causal cross-attention T < S (top-left aligned)", batch=2, seq=6,
         key_seq=4, embed=8, heads=2, causal=True),
    Case("causal_padding", "causal + key padding", batch=3, seq=7, embed=12, heads=3, causal=True,
         key_padding=True),
    Case("batch4_self", "batch 4 self-attention", batch=4, seq=5, embed=16, heads=4),
    Case("odd_e12_h3", "E=12, H=3", batch=2, seq=5, embed=12, heads=3),
    Case("odd_e30_h5", "E=30, H=5", seq=6, key_seq=4, embed=30, heads=5),
    Case("odd_s7_t13", "S=7, T=13 cross-attention", batch=2, seq=7, key_seq=13, embed=12,
         heads=3),
    Case("large_b2_s33_e64_h8", "B=2, S=33, E=64, H=8 self-attention", batch=2, seq=33, embed=64,
         heads=8),
]


def write_safetensors(path: str, tensors: dict[str, torch.Tensor]) -> None:
    """safetensors: u64 LE header length, JSON header padded with spaces to 8 bytes, raw LE data."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save_npy(path: str, array: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def hidden_by_causal(seq: int, key_seq: int) -> torch.Tensor:
    """[S, T] True where key j > query i (top-left aligned, as is_causal=True)."""
    i = torch.arange(seq).unsqueeze(1)
    j = torch.arange(key_seq).unsqueeze(0)
    return j > i


def make_case(case: Case, seed: int, out_dir: str) -> dict:
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # the module's default init draws from the global generator
    batch, seq, embed, heads = case.batch, case.seq, case.embed, case.heads
    key_seq = seq if case.key_seq is None else case.key_seq
    kdim = case.kdim if case.kdim is not None else embed
    vdim = case.vdim if case.vdim is not None else embed

    mha = torch.nn.MultiheadAttention(
        embed_dim=embed, num_heads=heads, dropout=0.0, bias=case.bias,
        add_bias_kv=case.add_bias_kv, add_zero_attn=case.add_zero_attn,
        kdim=case.kdim, vdim=case.vdim, batch_first=True)
    # Default init leaves in_proj_bias and out_proj.bias at zero: perturb them so they are tested.
    with torch.no_grad():
        if mha.in_proj_bias is not None:
            mha.in_proj_bias.copy_(0.5 * torch.randn(mha.in_proj_bias.shape, generator=gen))
        if mha.out_proj.bias is not None:
            mha.out_proj.bias.copy_(0.5 * torch.randn(mha.out_proj.bias.shape, generator=gen))
    mha.train()  # canonical path; dropout is 0.0 so this is inference

    query = torch.randn(batch, seq, embed, generator=gen)
    if case.self_attention:
        key = value = query
    else:
        key = torch.randn(batch, key_seq, kdim, generator=gen)
        value = torch.randn(batch, key_seq, vdim, generator=gen)

    key_padding = None
    if case.key_padding:
        # Pad the tail of each sequence by a different amount; key 0 always stays visible.
        key_padding = torch.zeros(batch, key_seq, dtype=torch.bool)
        for b in range(batch):
            pad = (b * 2 + 1) % max(key_seq - 1, 1) if key_seq > 1 else 0
            pad = min(pad, key_seq - 1)
            if pad > 0:
                key_padding[b, key_seq - pad:] = True

    mask_rows = batch * heads if case.attn_mask and case.attn_mask.endswith("3d") else 1
    attn_mask = None
    if case.attn_mask:
        hidden = torch.rand(mask_rows, seq, key_seq, generator=gen) < 0.35
        # Never hide every visible key of a query: keep one key that padding does not hide.
        for r in range(mask_rows):
            b = r // heads if mask_rows > 1 else None
            for i in range(seq):
                visible = torch.ones(key_seq, dtype=torch.bool)
                if key_padding is not None:
                    bs = [b] if b is not None else range(batch)
                    for bb in bs:
                        visible &= ~key_padding[bb]
                if not (visible & ~hidden[r, i]).any():
                    keep = int(torch.nonzero(visible)[int(torch.randint(
                        int(visible.sum()), (1,), generator=gen))])
                    hidden[r, i, keep] = False
        if case.attn_mask.startswith("bool"):
            attn_mask = hidden
        else:
            attn_mask = torch.randn(mask_rows, seq, key_seq, generator=gen)
            attn_mask = attn_mask.masked_fill(hidden, float("-inf"))
        if mask_rows == 1:
            attn_mask = attn_mask[0]

    torch_mask = attn_mask
    if case.causal:
        torch_mask = torch.zeros(seq, key_seq).masked_fill(hidden_by_causal(seq, key_seq),
                                                           float("-inf"))

    with torch.no_grad():
        output, weights = mha(query, key, value, key_padding_mask=key_padding,
                              need_weights=True, attn_mask=torch_mask,
                              average_attn_weights=False)

    extra = (1 if case.add_bias_kv else 0) + (1 if case.add_zero_attn else 0)
    assert output.dtype == torch.float32 and weights.dtype == torch.float32
    assert tuple(output.shape) == (batch, seq, embed), output.shape
    assert tuple(weights.shape) == (batch, heads, seq, key_seq + extra), weights.shape
    if not (torch.isfinite(output).all() and torch.isfinite(weights).all()):
        raise RuntimeError(f"{case.name}: PyTorch returned non-finite values (a fully masked row?)")

    folder = os.path.join(out_dir, case.name)
    os.makedirs(folder)
    state = mha.state_dict()
    write_safetensors(os.path.join(folder, "state_dict.safetensors"), state)
    save_npy(os.path.join(folder, "query.npy"), query.numpy().astype(np.float32))
    if not case.self_attention:
        save_npy(os.path.join(folder, "key.npy"), key.numpy().astype(np.float32))
        save_npy(os.path.join(folder, "value.npy"), value.numpy().astype(np.float32))
    if key_padding is not None:
        save_npy(os.path.join(folder, "key_padding_mask.npy"), key_padding.numpy())
    if attn_mask is not None:
        array = attn_mask.numpy()
        save_npy(os.path.join(folder, "attn_mask.npy"),
                 array if array.dtype == np.bool_ else array.astype(np.float32))
    save_npy(os.path.join(folder, "weights.npy"), weights.numpy().astype(np.float32))
    save_npy(os.path.join(folder, "output.npy"), output.numpy().astype(np.float32))
    meta = {
        "heads": heads,
        "causal": case.causal,
        "add_zero_attn": case.add_zero_attn,
        "self_attention": case.self_attention,
        "description": (f"{case.description}: B={batch} S={seq} T={key_seq} E={embed} H={heads}"
                        f" kdim={kdim} vdim={vdim} bias={case.bias}"
                        f" add_bias_kv={case.add_bias_kv} add_zero_attn={case.add_zero_attn}"
                        f" key_padding={case.key_padding} attn_mask={case.attn_mask or 'none'}"
                        f" causal={case.causal}; torch {torch.__version__} float32, seed {seed}"),
    }
    with open(os.path.join(folder, "case.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return {"name": case.name, "keys": list(state.keys()), "weights": list(weights.shape)}


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "data", "torch_mha"),
                        help="output folder (replaced as a whole)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"

    out_dir = os.path.abspath(args.out)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    for index, case in enumerate(CASES):
        info = make_case(case, seed=1000 + index, out_dir=out_dir)
        print(f"{info['name']:28s} weights {info['weights']}  keys {', '.join(info['keys'])}")

    total = sum(os.path.getsize(os.path.join(root, f))
                for root, _, files in os.walk(out_dir) for f in files)
    print(f"{len(CASES)} cases, {total / 1024:.1f} KiB in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
