"""Minimal safetensors writer and reader (F32 only), following the format's specification:
8-byte little-endian header length N, N bytes of JSON header (padded with spaces to a multiple of 8),
then the raw little-endian tensor data; each header entry gives dtype, shape and [begin, end) byte
offsets relative to the end of the header."""
from __future__ import annotations

import json
import struct

import numpy as np


def save(path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> int:
    header: dict = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    return 8 + len(h) + offset


def load(path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: unsupported dtype {info['dtype']}")
        b, e = info["data_offsets"]
        if not 0 <= b <= e <= len(data):
            raise ValueError(f"{name}: offsets out of range")
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"]).copy()
    return out
