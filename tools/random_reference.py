#!/usr/bin/env python3
"""Reproduces attnscope's random-tensor problems in plain Python, bit for bit.

attnscope promises that a seed means the same tensors on every platform, so its generator is
specified rather than taken from a standard library (see core/attention/randomtensors.h):
SplitMix64, uniform doubles from the top 53 bits, Marsaglia's polar method for normals, one stream
per tensor seeded from (seed, name) through FNV-1a. This script is a second, independent
implementation of that specification, for users who want the same inputs in PyTorch and for
checking the C++ one:

    python3 tools/random_reference.py --seq 2 --embed 4 --heads 2 --seed 42 [--out DIR]

prints the first values as float32 bit patterns (compare with tests/core/test_randomtensors.cpp)
and, with --out and numpy available, writes input.npy, in_proj_weight.npy and out_proj_weight.npy.
(Python's math.log may differ from attnscope's portable logarithm in the last bit of a double;
after rounding to float32 that has not been seen to matter, but the C++ side is the reference.)
"""

import argparse
import math
import struct

MASK64 = (1 << 64) - 1


def fnv1a(text: str) -> int:
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001B3) & MASK64
    return value


class DeterministicRandom:
    def __init__(self, seed: int):
        self.state = seed & MASK64
        self.spare = None

    @classmethod
    def for_stream(cls, seed: int, name: str) -> "DeterministicRandom":
        return cls(cls(seed ^ fnv1a(name)).next_u64())

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_uniform(self) -> float:
        return (self.next_u64() >> 11) * 2.0**-53

    def next_normal(self) -> float:
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        while True:
            u = 2.0 * self.next_uniform() - 1.0
            v = 2.0 * self.next_uniform() - 1.0
            s = u * u + v * v
            if s >= 1.0 or s == 0.0:
                continue
            factor = math.sqrt(-2.0 * math.log(s) / s)
            self.spare = v * factor
            return u * factor


def draw(random: DeterministicRandom, count: int, distribution: str, std: float) -> list:
    if distribution == "normal":
        return [random.next_normal() * std for _ in range(count)]
    return [(2.0 * random.next_uniform() - 1.0) * math.sqrt(3.0) * std for _ in range(count)]


def problem(batch, seq, embed, seed, distribution="normal"):
    """The input [B, S, E], in_proj_weight [3E, E] and out_proj.weight [E, E] as flat lists."""
    inputs = []
    for b in range(batch):
        inputs += draw(DeterministicRandom.for_stream(seed, f"input/{b}"), seq * embed, distribution, 1.0)
    std = 1.0 / math.sqrt(embed)
    in_proj = draw(DeterministicRandom.for_stream(seed, "in_proj_weight"), 3 * embed * embed, distribution, std)
    out_proj = draw(DeterministicRandom.for_stream(seed, "out_proj.weight"), embed * embed, distribution, std)
    return inputs, in_proj, out_proj


def float32_bits(value: float) -> str:
    return "%x" % struct.unpack("<I", struct.pack("<f", value))[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seq", type=int, required=True)
    parser.add_argument("--embed", type=int, required=True)
    parser.add_argument("--heads", type=int, required=True, help="only checked: must divide embed")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--distribution", choices=["normal", "uniform"], default="normal")
    parser.add_argument("--out", help="folder for input.npy, in_proj_weight.npy, out_proj_weight.npy")
    args = parser.parse_args()
    if args.embed % args.heads:
        parser.error(f"--heads {args.heads} does not divide --embed {args.embed}")
    inputs, in_proj, out_proj = problem(args.batch, args.seq, args.embed, args.seed, args.distribution)
    print("input[:4]          ", " ".join(float32_bits(v) for v in inputs[:4]))
    print("in_proj_weight[:3] ", " ".join(float32_bits(v) for v in in_proj[:3]))
    if args.out:
        import os
        import numpy as np

        os.makedirs(args.out, exist_ok=True)
        e = args.embed
        np.save(os.path.join(args.out, "input.npy"), np.array(inputs, np.float32).reshape(args.batch, args.seq, e))
        np.save(os.path.join(args.out, "in_proj_weight.npy"), np.array(in_proj, np.float32).reshape(3 * e, e))
        np.save(os.path.join(args.out, "out_proj_weight.npy"), np.array(out_proj, np.float32).reshape(e, e))


if __name__ == "__main__":
    main()
