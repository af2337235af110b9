"""The coreference measure of Clark et al. 2019, "What Does BERT Look At?" (section 6).

For each link {pronoun span, antecedent span} (code point spans, end exclusive) and every layer x head:
take the attention row of the pronoun's first token, leave out the pronoun's own tokens and the
special tokens, and count the link correct when the largest remaining weight falls on a token inside
the antecedent span. The uniform baseline is the expected accuracy of choosing uniformly among the
allowed tokens: |antecedent tokens| / |allowed tokens|, averaged over links.
"""
from __future__ import annotations

import json

import numpy as np
import torch

from .tokenizer import CLS, PAD, SEP, Tokenizer


def read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path, lines: list[dict]):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def link_tokens(offsets, ids, link):
    ps, pe = link["pronoun"]
    as_, ae = link["antecedent"]
    real = [i for i, (a, b) in enumerate(offsets) if b > a and ids[i] not in (CLS, SEP, PAD)]
    pron = [i for i in real if offsets[i][0] < pe and offsets[i][1] > ps]
    ante = {i for i in real if offsets[i][0] >= as_ and offsets[i][1] <= ae}
    allowed = [i for i in real if i not in pron]
    return pron, ante, allowed


@torch.no_grad()
def evaluate(model, tok: Tokenizer, lines: list[dict], batch: int = 64) -> dict:
    """Returns {"acc": [L, H] accuracies, "baseline": float, "links": n, "per_link": [L, H, n] bool}."""
    model.eval()
    c = model.config
    correct = []
    baseline = []
    for i in range(0, len(lines), batch):
        chunk = lines[i:i + batch]
        enc = [tok.encode(l["text"]) for l in chunk]
        s = max(len(ids) for ids, _ in enc)
        ids = torch.full((len(chunk), s), PAD, dtype=torch.long)
        mask = torch.zeros((len(chunk), s), dtype=torch.long)
        for j, (t, _) in enumerate(enc):
            ids[j, :len(t)] = torch.tensor(t)
            mask[j, :len(t)] = 1
        _, atts = model(ids, mask)
        att = torch.stack(atts, 1).numpy()  # [B, L, H, S, S]
        for j, line in enumerate(chunk):
            t, offsets = enc[j]
            for link in line["links"]:
                pron, ante, allowed = link_tokens(offsets, t, link)
                if not pron or not ante or not allowed:
                    raise ValueError(f"link does not map onto tokens: {line['text']!r} {link}")
                row = att[j, :, :, pron[0], :][:, :, allowed]          # [L, H, |allowed|]
                best = np.asarray(allowed)[row.argmax(-1)]             # [L, H]
                correct.append(np.isin(best, list(ante)))
                baseline.append(len(ante & set(allowed)) / len(allowed))
    per_link = np.stack(correct, -1) if correct else np.zeros((c.num_hidden_layers, c.num_attention_heads, 0), bool)
    return {"acc": per_link.mean(-1), "baseline": float(np.mean(baseline)), "links": per_link.shape[-1],
            "per_link": per_link}


def best_head(acc: np.ndarray) -> tuple[int, int]:
    l, h = np.unravel_index(int(np.argmax(acc)), acc.shape)
    return int(l), int(h)
