#!/usr/bin/python3
"""Benchmarks attnscope's multi-head attention against torch.nn.MultiheadAttention.

For each shape (batch 1, self-attention, every head's weights returned) and thread count, runs

  * PyTorch: nn.MultiheadAttention(batch_first=True).eval() under no_grad, need_weights=True,
    average_attn_weights=False; warm-up, then the median of --repeat calls. PyTorch is given its
    best chance: each BLAS build found on the machine (the system's libblas.so.3, Debian's OpenBLAS
    pthread and OpenMP builds via LD_LIBRARY_PATH) is measured in its own subprocess with
    OPENBLAS_CORETYPE set (SkylakeX on an AVX-512 CPU that OpenBLAS 0.3.21 does not recognise),
    torch.set_num_threads(N) and OMP/OPENBLAS/MKL_NUM_THREADS=N, under three glibc malloc settings
    (see ALLOCATORS), and the fastest is kept;
  * attnscope: `attnscope-cli bench --seq S --embed E --heads H --threads N --repeat R`.

Prints the machine, every torch configuration tried (with the BLAS library actually mapped into
the process and OpenBLAS's own core name), a markdown table, attnscope's 2-thread speed-up and the
verdict lines. Debian's torch imports only under /usr/bin/python3 (see --python).

    /usr/bin/python3 tools/bench_vs_torch.py [--cli build/release/app/attnscope-cli]
    /usr/bin/python3 tools/bench_vs_torch.py --torch-only      # PyTorch side only
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

SHAPES = [(128, 768, 12), (512, 768, 12), (2048, 1024, 16)]  # (seq, embed, heads), batch 1
# Enough calls for a stable median at each size without making the big shape take minutes.
DEFAULT_REPEATS = {128: 50, 512: 20, 2048: 7}
LIBDIR = "/usr/lib/x86_64-linux-gnu"
# A configuration whose first call is this many times slower than the best one so far at that
# shape, and over a second, is not measured further (netlib's BLAS would take minutes at S=2048).
GIVE_UP_FACTOR = 10.0
GIVE_UP_MIN_MS = 1000.0
WARMUP_CALLS = 3
# torch allocates the [B, H, S, S] weights and other large tensors afresh on every call; glibc
# serves them with mmap and returns them on free, so each call page-faults them in again. On a VM
# where first-touch faults are slow that can cost more than the arithmetic (measured here: S=2048
# took ~1.1 s by default, ~0.36 s with transparent huge pages, ~0.26 s when freed memory is kept).
ALLOCATORS = [
    ("glibc", None),
    ("glibc+THP", "glibc.malloc.hugetlb=1"),
    ("glibc+THP+heap",
     "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184"),
]


# ----------------------------------------------------------------------------------------------
# Worker: runs inside a subprocess with the environment of one configuration.

def loaded_blas_libraries() -> list[str]:
    """Shared objects mapped into this process whose names say BLAS (what torch really uses)."""
    found = []
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and "blas" in os.path.basename(parts[-1]).lower():
                path = parts[-1]
                if path not in found:
                    found.append(path)
    return found


def openblas_info(libraries: list[str]) -> dict:
    """OpenBLAS's own view (core kernel chosen, build config, threads), if it is loaded."""
    import ctypes

    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {
                "library": path,
                "corename": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode().strip(),
                "threads": int(lib.openblas_get_num_threads()),
            }
        except (OSError, AttributeError):
            continue
    return {}


def torch_worker(args: argparse.Namespace) -> int:
    import torch

    torch.set_num_threads(args.threads)
    shapes = json.loads(args.worker_shapes)  # [[seq, embed, heads, repeat, budget_ms|null], ...]
    libraries = loaded_blas_libraries()
    blas_info_line = next((part.strip() for part in torch.__config__.show().split(",")
                           if "BLAS_INFO" in part), "")
    report = {
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "blas_libraries": libraries,
        "openblas": openblas_info(libraries),
        "torch_blas_info": blas_info_line,
        "results": [],
    }
    generator = torch.Generator().manual_seed(0)
    for seq, embed, heads, repeat, budget_ms in shapes:
        torch.manual_seed(0)
        mha = torch.nn.MultiheadAttention(embed, heads, batch_first=True).eval()
        x = torch.randn(1, seq, embed, generator=generator)
        entry = {"seq": seq, "embed": embed, "heads": heads}
        with torch.no_grad():
            start = time.perf_counter()
            mha(x, x, x, need_weights=True, average_attn_weights=False)
            warmup_ms = (time.perf_counter() - start) * 1e3
            entry["warmup_ms"] = warmup_ms
            if budget_ms is not None and warmup_ms > max(budget_ms, GIVE_UP_MIN_MS):
                entry["skipped"] = f"first call {warmup_ms:.0f} ms > {budget_ms:.0f} ms budget"
                report["results"].append(entry)
                continue
            for _ in range(WARMUP_CALLS - 1):
                mha(x, x, x, need_weights=True, average_attn_weights=False)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                out, weights = mha(x, x, x, need_weights=True, average_attn_weights=False)
                times.append((time.perf_counter() - start) * 1e3)
            assert tuple(weights.shape) == (1, heads, seq, seq)
        entry.update(median_ms=statistics.median(times), min_ms=min(times), max_ms=max(times),
                     repeat=repeat)
        report["results"].append(entry)
    print(json.dumps(report))
    return 0


# ----------------------------------------------------------------------------------------------
# Driver.

def cpu_flags() -> set[str]:
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def machine_info() -> list[str]:
    model, physical = "unknown", None
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "model name" and model == "unknown":
                model = value
            elif key == "cpu cores" and physical is None:
                physical = value
    flags = cpu_flags()
    simd = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl") if f in flags]
    return [
        f"CPU: {model} ({platform.machine()})",
        f"cores: {os.cpu_count()} logical, {physical or '?'} per socket; usable by this process: "
        f"{len(os.sched_getaffinity(0))}",
        f"SIMD: {' '.join(simd) or 'none of avx2/fma/avx512'}",
        f"kernel: {platform.release()}, glibc {platform.libc_ver()[1] or '?'}, transparent huge "
        f"pages: {thp_mode()}",
    ]


def thp_mode() -> str:
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled", encoding="utf-8") as f:
            text = f.read()
        return text[text.index("[") + 1:text.index("]")]
    except (OSError, ValueError):
        return "?"


def blas_variants(coretype: str | None) -> list[tuple[str, dict]]:
    """(label, environment overrides) for every BLAS build torch can be pointed at here, each
    under every malloc setting of ALLOCATORS."""
    variants = []
    system = os.path.realpath(os.path.join(LIBDIR, "libblas.so.3"))
    dirs = {}
    for name in ("openblas-pthread", "openblas-openmp"):
        directory = os.path.join(LIBDIR, name)
        if os.path.exists(os.path.join(directory, "libblas.so.3")):
            dirs[name] = directory
    # The system alternative only counts separately when it is none of the builds tried below.
    if not any(system.startswith(d + os.sep) for d in dirs.values()):
        variants.append((f"system ({os.path.basename(os.path.dirname(system))})", {}))
    for name, directory in dirs.items():
        variants.append((name, {"LD_LIBRARY_PATH": directory}))
    if coretype:
        for _, env in variants:
            env["OPENBLAS_CORETYPE"] = coretype
    combined = []
    for label, env in variants:
        for allocator, tunables in ALLOCATORS:
            combined.append((f"{label}+{allocator}",
                             dict(env, **({"GLIBC_TUNABLES": tunables} if tunables else {}))))
    return combined


def run_torch_config(python: str, label: str, env_overrides: dict, threads: int,
                     shapes: list, repeats: dict, budgets: dict) -> dict:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("GLIBC_TUNABLES", None)
    env.update(env_overrides)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    work = [[s, e, h, repeats[s], budgets.get((threads, s, e, h))] for s, e, h in shapes]
    command = [python, os.path.abspath(__file__), "--torch-worker", "--threads", str(threads),
               "--worker-shapes", json.dumps(work)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"label": label, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["label"] = label
    report["env"] = env_overrides
    return report


def run_attnscope(cli: str, seq: int, embed: int, heads: int, threads: int, repeat: int) -> dict:
    command = [cli, "bench", "--seq", str(seq), "--embed", str(embed), "--heads", str(heads),
               "--threads", str(threads), "--repeat", str(repeat)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): "
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            continue
        if result.get("command") == "bench":
            return result
    raise RuntimeError(f"{' '.join(command)} printed no bench JSON line: {proc.stdout!r}")


def short_config(report: dict) -> str:
    label = report["label"]
    core = report.get("openblas", {}).get("corename")
    coretype = report.get("env", {}).get("OPENBLAS_CORETYPE")
    parts = [label]
    if core:
        parts.append(core if not coretype or coretype.lower() == core.lower()
                     else f"{core} (asked {coretype})")
    return "/".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default="build/release/app/attnscope-cli",
                        help="attnscope-cli to benchmark (default: %(default)s)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter that imports torch (default: %(default)s)")
    parser.add_argument("--threads", default="1,2", help="thread counts (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=0,
                        help="timed calls per measurement; 0 = per shape "
                             f"{DEFAULT_REPEATS}")
    parser.add_argument("--coretype", default=None,
                        help="OPENBLAS_CORETYPE for torch (default: SkylakeX on AVX-512 CPUs; "
                             "'none' leaves OpenBLAS's autodetection)")
    parser.add_argument("--shapes", default=None,
                        help="override shapes as S:E:H,S:E:H (default: 128:768:12,512:768:12,"
                             "2048:1024:16)")
    parser.add_argument("--torch-only", action="store_true",
                        help="measure PyTorch only (no attnscope-cli needed)")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-shapes", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.torch_worker:
        args.threads = int(args.threads)
        return torch_worker(args)

    thread_counts = [int(t) for t in args.threads.split(",")]
    shapes = SHAPES
    if args.shapes:
        shapes = [tuple(int(v) for v in item.split(":")) for item in args.shapes.split(",")]
    repeats = {s: (args.repeat or DEFAULT_REPEATS.get(s, 10)) for s, _, _ in shapes}
    coretype = args.coretype
    if coretype is None:
        coretype = "SkylakeX" if "avx512f" in cpu_flags() else None
    elif coretype.lower() == "none":
        coretype = None
    if not args.torch_only and not os.access(args.cli, os.X_OK):
        parser.error(f"{args.cli} is not an executable (build it, pass --cli, or --torch-only)")

    print("## Machine\n")
    for line in machine_info():
        print(f"- {line}")
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"\n**Warning:** 1-minute load average is {load:.2f} before starting: other "
              "processes share the cores, so the timings below are unreliable.")

    # PyTorch: every BLAS variant at every thread count; keep the fastest per (threads, shape).
    print("\n## PyTorch configurations tried\n")
    best: dict[tuple, tuple[float, dict]] = {}
    budgets: dict[tuple, float] = {}
    for threads in thread_counts:
        for label, env in blas_variants(coretype):
            report = run_torch_config(args.python, label, env, threads, shapes, repeats, budgets)
            if "error" in report:
                print(f"- {label}, {threads} thread(s): failed: {report['error']}")
                continue
            ob = report["openblas"]
            print(f"- {label}, {threads} thread(s), env {env or '{}'}: torch "
                  f"{report['torch']} with {report['torch_threads']} thread(s); BLAS mapped: "
                  f"{', '.join(report['blas_libraries']) or 'none found'}"
                  + (f"; OpenBLAS core {ob['corename']}, {ob['threads']} thread(s), "
                     f"config '{ob['config']}'" if ob else ""))
            for entry in report["results"]:
                key = (threads, entry["seq"], entry["embed"], entry["heads"])
                if "skipped" in entry:
                    print(f"    - S={entry['seq']} E={entry['embed']} H={entry['heads']}: "
                          f"skipped ({entry['skipped']})")
                    continue
                print(f"    - S={entry['seq']} E={entry['embed']} H={entry['heads']}: median "
                      f"{entry['median_ms']:.2f} ms (min {entry['min_ms']:.2f}, max "
                      f"{entry['max_ms']:.2f}, {entry['repeat']} calls)")
                if key not in best or entry["median_ms"] < best[key][0]:
                    best[key] = (entry["median_ms"], report)
                    budgets[key] = GIVE_UP_FACTOR * entry["median_ms"]
    sys.stdout.flush()

    attnscope: dict[tuple, dict] = {}
    if not args.torch_only:
        for threads in thread_counts:
            for seq, embed, heads in shapes:
                attnscope[(threads, seq, embed, heads)] = run_attnscope(
                    args.cli, seq, embed, heads, threads, repeats[seq])

    print("\n## Results (batch 1, self-attention, need_weights, median ms)\n")
    print("| shape | threads | torch ms (config) | attnscope ms | torch/attnscope | "
          "attnscope GFLOP/s |")
    print("|---|---|---|---|---|---|")
    ratios = []
    for seq, embed, heads in shapes:
        for threads in thread_counts:
            key = (threads, seq, embed, heads)
            torch_cell = "n/a"
            if key in best:
                torch_cell = f"{best[key][0]:.2f} ({short_config(best[key][1])})"
            ours = attnscope.get(key)
            ours_cell = f"{ours['median_ms']:.2f}" if ours else "n/a"
            gflops_cell = f"{ours['gflops']:.1f}" if ours else "n/a"
            ratio_cell = "n/a"
            if ours and key in best:
                ratio = best[key][0] / ours["median_ms"]
                ratios.append(ratio)
                ratio_cell = f"{ratio:.2f}"
            print(f"| S={seq} E={embed} H={heads} | {threads} | {torch_cell} | {ours_cell} | "
                  f"{ratio_cell} | {gflops_cell} |")

    print("\nConfig = BLAS build + malloc setting / OpenBLAS core; " + "; ".join(
        f"{name} = {('GLIBC_TUNABLES=' + tunables) if tunables else 'default'}"
        for name, tunables in ALLOCATORS) + ". attnscope-cli runs with the default environment.")

    if args.torch_only:
        print("\n(--torch-only: attnscope not measured, no verdict)")
        return 0

    print("\n## attnscope thread scaling\n")
    speedups = {}
    if 1 in thread_counts and 2 in thread_counts:
        for seq, embed, heads in shapes:
            t1 = attnscope[(1, seq, embed, heads)]["median_ms"]
            t2 = attnscope[(2, seq, embed, heads)]["median_ms"]
            speedups[seq] = t1 / t2
            print(f"- S={seq} E={embed} H={heads}: 1 thread {t1:.2f} ms, 2 threads {t2:.2f} ms, "
                  f"speed-up {t1 / t2:.2f}x")

    expected = len(shapes) * len(thread_counts)
    every = len(ratios) == expected and all(r >= 1.0 for r in ratios)
    print("\n## Verdict\n")
    print(f"attnscope ≥ torch at every shape and thread count: {'yes' if every else 'no'}")
    scaling = 2048 in speedups and speedups[2048] >= 1.6
    print(f"2 threads ≥ 1.6× faster than 1 at S=2048: {'yes' if scaling else 'no'}"
          + (f" ({speedups[2048]:.2f}x)" if 2048 in speedups else " (not measured)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
