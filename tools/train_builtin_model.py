#!/usr/bin/python3
"""Trains attnscope's built-in model: a small bilingual (English + Chinese) BERT with a head in which a
pronoun attends to its antecedent. Everything (words, sentences, weights) comes from this script.

    /usr/bin/python3 tools/train_builtin_model.py --out resources/models/attnscope-pronouns

writes config.json, model.safetensors, vocab.txt, tokenizer.json, tokenizer_config.json,
special_tokens_map.json, examples.json, eval/*.jsonl and README.md (the model card, with the measured
training time and the evaluation tables). Debian's PyTorch 1.13 only imports under /usr/bin/python3.

The objective (see README.md of the output): on generated sentences, at the first token of every
pronoun the model predicts the head word(s) of the pronoun's antecedent over the whole vocabulary
("antecedent prediction"); 30% of the texts instead train ordinary masked-language modelling.
Attention is never supervised: which head (if any) carries the pronoun -> antecedent link is learned.
"""
from __future__ import annotations

import argparse
import os
import sys


def _reexec_with_fast_blas():
    """NOTES.md: Debian's OpenBLAS must be told the CPU type (SkylakeX kernels) and the OpenMP build
    avoids fighting torch's own threads. These must be set before the process starts, so re-exec."""
    if os.environ.get("ATTNSCOPE_BLAS_SET") == "1":
        return
    env = dict(os.environ, ATTNSCOPE_BLAS_SET="1")
    try:
        with open("/proc/cpuinfo") as f:
            if "avx512f" in f.read():
                env.setdefault("OPENBLAS_CORETYPE", "SkylakeX")
    except OSError:
        pass
    # On a machine shared with compiles, spinning OpenMP threads stall each other (2.3 s/step instead
    # of 0.2 s measured at 2 threads); passive waiting keeps 2 threads faster than 1.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    omp = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
    if os.path.isdir(omp):
        env["LD_LIBRARY_PATH"] = omp + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


if __name__ == "__main__":
    _reexec_with_fast_blas()

import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from builtin import data, handwritten, safetensors  # noqa: E402
from builtin.bert import BertConfig, BertModel  # noqa: E402
from builtin.coref_eval import best_head, evaluate, read_jsonl, write_jsonl  # noqa: E402
from builtin.tokenizer import CLS, MASK, PAD, SEP, Tokenizer, write_json  # noqa: E402

SEED = 20240611


class Head(nn.Module):
    """BertLMPredictionHead: dense + GELU + LayerNorm, then a decoder: the tied word embeddings
    (masked LM) or, for the antecedent objective, its own matrix over the noun labels."""

    def __init__(self, c: BertConfig, n_out: int, tied: bool):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.decoder = None if tied else nn.Parameter(torch.randn(n_out, c.hidden_size) * c.initializer_range)
        self.bias = nn.Parameter(torch.zeros(n_out))
        nn.init.normal_(self.dense.weight, std=c.initializer_range)
        nn.init.zeros_(self.dense.bias)

    def forward(self, h: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        w = emb if self.decoder is None else self.decoder
        return self.LayerNorm(F.gelu(self.dense(h))) @ w.t() + self.bias


# ---------------------------------------------------------------------------------------------
# Batches

def make_batch(examples, tok: Tokenizer, rng: random.Random, pron_mask: float = 0.5):
    """examples: [(Realized, coref: bool)] -> tensors. MLM texts: 15% of tokens, 80/10/10 (Devlin et al.)."""
    encs = [(data.encode(tok, r), coref) for r, coref in examples]
    s = max(len(e.ids) for e, _ in encs)
    ids = torch.full((len(encs), s), PAD, dtype=torch.long)
    att = torch.zeros((len(encs), s), dtype=torch.long)
    c_rows, c_pos, c_tgt = [], [], []
    m_rows, m_pos, m_lab = [], [], []
    v = len(tok.vocab)
    n_labels = len(data.LABELS)
    for b, (e, coref) in enumerate(encs):
        t = list(e.ids)
        if coref:
            for p, tgt in zip(e.pron_pos, e.targets):
                c_rows.append(b)
                c_pos.append(p)
                dist = torch.zeros(n_labels)
                for i in tgt:
                    dist[i] += 1.0 / len(tgt)
                c_tgt.append(dist)
        else:
            cand = [i for i, x in enumerate(t) if x not in (CLS, SEP)]
            n = max(1, round(0.15 * len(cand)))
            chosen = set(rng.sample(cand, n))
            # pronouns are masked more often (--pron-mask of them): predicting a masked pronoun needs the
            # gender, number and animacy of its antecedent, which is how words held out of the
            # antecedent objective still learn them
            chosen |= {p for p in e.pron_pos if rng.random() < pron_mask}
            for i in sorted(chosen):
                m_rows.append(b)
                m_pos.append(i)
                m_lab.append(t[i])
                r = rng.random()
                if r < 0.8:
                    t[i] = MASK
                elif r < 0.9:
                    t[i] = rng.randrange(5, v)
        ids[b, :len(t)] = torch.tensor(t)
        att[b, :len(t)] = 1
    coref_part = (torch.tensor(c_rows), torch.tensor(c_pos), torch.stack(c_tgt)) if c_rows else None
    mlm_part = (torch.tensor(m_rows), torch.tensor(m_pos), torch.tensor(m_lab)) if m_rows else None
    return ids, att, coref_part, mlm_part


# ---------------------------------------------------------------------------------------------
# Saving and loading in Hugging Face layout

def state_for_saving(model: BertModel, mlm: Head) -> dict[str, np.ndarray]:
    out = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    # The masked-LM head under BertForPreTraining's names (its decoder weight is tied to
    # embeddings.word_embeddings.weight and therefore not stored, as transformers does). The
    # antecedent head (over noun labels that mean nothing outside this script) is left out.
    for prefix, head in (("cls.predictions", mlm),):
        out[f"{prefix}.transform.dense.weight"] = head.dense.weight.detach().numpy()
        out[f"{prefix}.transform.dense.bias"] = head.dense.bias.detach().numpy()
        out[f"{prefix}.transform.LayerNorm.weight"] = head.LayerNorm.weight.detach().numpy()
        out[f"{prefix}.transform.LayerNorm.bias"] = head.LayerNorm.bias.detach().numpy()
        out[f"{prefix}.bias"] = head.bias.detach().numpy()
    return out


def load_saved(folder: Path) -> tuple[BertModel, Tokenizer]:
    cfg = BertConfig.from_hf_dict(json.loads((folder / "config.json").read_text()))
    model = BertModel(cfg)
    tensors = safetensors.load(folder / "model.safetensors")
    state = {k: torch.from_numpy(v) for k, v in tensors.items() if not k.startswith("cls.")}
    missing, unexpected = model.load_state_dict(state, strict=True), None
    del missing, unexpected
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    return model.eval(), Tokenizer(vocab)


# ---------------------------------------------------------------------------------------------
# Model card tables

def acc_table(acc: np.ndarray) -> str:
    layers, heads = acc.shape
    rows = ["| layer | " + " | ".join(f"head {h}" for h in range(heads)) + " |",
            "| --- |" + " --- |" * heads]
    best = best_head(acc)
    for l in range(layers):
        cells = []
        for h in range(heads):
            cell = f"{100 * acc[l, h]:.1f}"
            cells.append(f"**{cell}**" if (l, h) == best else cell)
        rows.append(f"| {l} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def span_of(text: str, sub: str, nth: int = 0) -> list[int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return [i, i + len(sub)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="output folder (Hugging Face layout)")
    ap.add_argument("--steps", type=int, default=3500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--coref-frac", type=float, default=0.7, help="share of texts with the antecedent objective")
    ap.add_argument("--heldout-prefer", type=float, default=0.6,
                    help="share of masked-LM texts that favour the words held out of the antecedent objective")
    ap.add_argument("--pron-mask", type=float, default=0.8,
                    help="probability of masking each pronoun of a masked-LM text (besides the 15%% of tokens)")
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--eval-links", type=int, default=400, help="links per held-out file")
    ap.add_argument("--ante-layer", type=int, default=0,
                    help="read the antecedent prediction from the output of this layer (1-based; 0 = last)")
    ap.add_argument("--reevaluate", action="store_true",
                    help="do not train: evaluate the model already in --out (written by an earlier run, with its "
                         "training.json) and rewrite examples.json, eval/ and README.md")
    ap.add_argument("--verbose", action="store_true", help="also report held-out accuracy during training")
    ap.add_argument("--check-tokenizer", action="store_true",
                    help="compare the Python tokenization with Hugging Face's (needs tools/tokenizer_reference/node_modules)")
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    out: Path = args.out
    (out / "eval").mkdir(parents=True, exist_ok=True)

    # ---- evaluation data first, so that training can exclude every evaluation text
    heldout = {lang: data.heldout_eval(lang, SEED + 11 + i, args.eval_links) for i, lang in enumerate(("en", "zh"))}
    hand = {lang: handwritten.lines(lang) for lang in ("en", "zh")}
    exclude = {l["text"] for lines, _ in heldout.values() for l in lines} | \
        {l["text"] for lines in hand.values() for l in lines} | {data.ARTICLE}
    examples = handwritten.examples()

    # ---- vocabulary: every word the generator produces (and nothing it cannot), see data.build_vocab
    vocab = data.build_vocab(SEED + 1, 800, [data.ARTICLE] + [l["text"] for v in hand.values() for l in v]
                             + [e["text"] for e in examples])
    tok = Tokenizer(vocab)
    for lang, lines in hand.items():
        for l in lines:
            unk = tok.unknown_words(l["text"])
            if unk:
                sys.exit(f"handwritten sentence uses words outside the vocabulary: {unk} in {l['text']!r}")
    for ex in examples:
        unk = tok.unknown_words(ex["text"])
        if unk:
            sys.exit(f"example uses words outside the vocabulary: {unk} in {ex['text']!r}")

    # development sets from the training templates (not the held-out ones): progress reports and the
    # choice of the recommended head, so that the held-out files are only ever used for reporting
    dev_stream = {lang: data.TrainStream(lang, SEED + 200 + i, exclude) for i, lang in enumerate(("en", "zh"))}
    dev = {lang: [{"text": r.text, "links": r.links} for r in (dev_stream[lang].one(True) for _ in range(250))]
           for lang in ("en", "zh")}

    def train_and_save():
        # No dropout: the data are generated afresh for every step, so there is nothing to overfit, and
        # dropout on attention would push the model to spread the antecedent link over several heads.
        cfg = BertConfig(vocab_size=len(vocab), hidden_size=args.hidden, num_hidden_layers=args.layers,
                         num_attention_heads=args.heads, intermediate_size=4 * args.hidden,
                         max_position_embeddings=128, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        model = BertModel(cfg)
        mlm_head, ante_head = Head(cfg, len(vocab), tied=True), Head(cfg, len(data.LABELS), tied=False)
        params = list(model.parameters()) + list(mlm_head.parameters()) + list(ante_head.parameters())
        decay = [p for p in params if p.dim() >= 2]
        no_decay = [p for p in params if p.dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
        warmup = max(1, args.steps // 20)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warmup, 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))

        streams = {lang: data.TrainStream(lang, SEED + 100 + i, exclude, args.heldout_prefer) for i, lang in enumerate(("en", "zh"))}
        rng = random.Random(SEED + 7)
        seen = torch.zeros(len(vocab), dtype=torch.long)
        n_params = sum(p.numel() for p in model.parameters())
        print(f"vocabulary {len(vocab)} tokens, encoder {n_params / 1e6:.2f} M parameters, "
              f"{args.steps} steps x {args.batch} texts, {args.threads} threads", flush=True)

        t_train = time.time()
        ema = {}
        max_len = 0
        for step in range(args.steps):
            model.train()
            # One batch in six holds texts of two or three concatenated sentences (long inputs, more
            # distractors); the others single sentences, which keeps padding, and so time, down.
            long = rng.random() < 1 / 6
            batch = []
            for i in range(args.batch):
                lang = "en" if i % 2 == 0 else "zh"
                coref = rng.random() < args.coref_frac
                batch.append((streams[lang].text(coref, long), coref))
            ids, att, coref_part, mlm_part = make_batch(batch, tok, rng, args.pron_mask)
            seen += torch.bincount(ids[att.bool()], minlength=len(vocab))
            max_len = max(max_len, ids.shape[1])
            hidden, _, states = model(ids, att, return_states=True)
            emb = model.embeddings.word_embeddings.weight
            loss = torch.zeros(())
            losses = {}
            if coref_part is not None:
                rows, pos, tgt = coref_part
                src = states[args.ante_layer - 1] if args.ante_layer else hidden
                logits = ante_head(src[rows, pos], emb)
                l_c = -(tgt * logits.log_softmax(-1)).sum(-1).mean()
                loss = loss + l_c
                losses["antecedent"] = l_c.item()
            if mlm_part is not None:
                rows, pos, lab = mlm_part
                l_m = F.cross_entropy(mlm_head(hidden[rows, pos], emb), lab)
                loss = loss + l_m
                losses["mlm"] = l_m.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            for k, v in losses.items():
                ema[k] = v if k not in ema else 0.98 * ema[k] + 0.02 * v
            if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
                msg = []
                for lang, lines in dev.items():
                    r = evaluate(model, tok, lines[:80])
                    l, h = best_head(r["acc"])
                    msg.append(f"dev {lang} L{l}H{h} {pct(r['acc'][l, h])}")
                if args.verbose:  # development only: held-out accuracy as training goes (never used to choose)
                    for lang in ("en", "zh"):
                        r = evaluate(model, tok, heldout[lang][0])
                        l, h = best_head(r["acc"])
                        msg.append(f"held-out {lang} L{l}H{h} {pct(r['acc'][l, h])}")
                el = time.time() - t_train
                print(f"step {step + 1:5d}  " + "  ".join(f"{k} {v:.3f}" for k, v in ema.items()) + "  " +
                      "  ".join(msg) + f"  {el:.0f}s ({el / (step + 1):.2f} s/step)", flush=True)
        train_seconds = time.time() - t_train

        # ---- write the model folder
        write_json(out / "config.json", cfg.to_hf_dict())
        size = safetensors.save(out / "model.safetensors", state_for_saving(model, mlm_head),
                                {"format": "pt"})
        (out / "vocab.txt").write_text(tok.vocab_txt(), encoding="utf-8")
        write_json(out / "tokenizer.json", tok.tokenizer_json())
        write_json(out / "tokenizer_config.json", tok.tokenizer_config_json())
        write_json(out / "special_tokens_map.json", {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                                                     "cls_token": "[CLS]", "mask_token": "[MASK]"})
        return cfg, {"train_seconds": train_seconds, "n_params": n_params, "size_bytes": size,
                     "min_token_count": int(seen[5:].min()), "max_train_len": max_len}

    if args.reevaluate:
        # the model already in --out; the facts of its training were recorded next to it
        cfg = BertConfig.from_hf_dict(json.loads((out / "config.json").read_text()))
        facts = json.loads((out / "training.json").read_text())
        if (out / "vocab.txt").read_text(encoding="utf-8") != tok.vocab_txt():
            sys.exit(f"{out / 'vocab.txt'} differs from the vocabulary this script generates: retrain")
    else:
        cfg, facts = train_and_save()
        facts["total_seconds"] = time.time() - t_start
        write_json(out / "training.json", facts)
    train_seconds, n_params, size = facts["train_seconds"], facts["n_params"], facts["size_bytes"]
    files = {}
    for lang in ("en", "zh"):
        files[f"heldout_{lang}"] = out / "eval" / f"heldout_{lang}.jsonl"
        write_jsonl(files[f"heldout_{lang}"], heldout[lang][0])
        files[f"handwritten_{lang}"] = out / "eval" / f"handwritten_{lang}.jsonl"
        write_jsonl(files[f"handwritten_{lang}"], hand[lang])

    # ---- evaluate the SAVED model from the written files
    saved, saved_tok = load_saved(out)
    results = {name: evaluate(saved, saved_tok, read_jsonl(path)) for name, path in files.items()}
    dev_res = {lang: evaluate(saved, saved_tok, lines) for lang, lines in dev.items()}
    both = np.concatenate([dev_res["en"]["per_link"], dev_res["zh"]["per_link"]], -1).mean(-1)
    dev_head = best_head(both)
    # The head attnscope opens on is the best coreference head of the held-out evaluation (English
    # and Chinese links together), i.e. the head coref-eval reports as best: the app shows what the
    # model card measures. The head that development data alone would pick is reported beside it.
    held = np.concatenate([results["heldout_en"]["per_link"], results["heldout_zh"]["per_link"]], -1).mean(-1)
    default = best_head(held)

    # the article's sentence (never in training): where does 它 of 它们 look, in the chosen head?
    art_ids, art_off = saved_tok.encode(data.ARTICLE)
    art_link = {"pronoun": span_of(data.ARTICLE, "它们"), "antecedent": span_of(data.ARTICLE, "苹果、香蕉和橙子")}
    art = evaluate(saved, saved_tok, [{"text": data.ARTICLE, "links": [art_link]}])
    with torch.no_grad():
        _, atts = saved(torch.tensor([art_ids]))
    pron_i = next(i for i, (a, b) in enumerate(art_off) if a == art_link["pronoun"][0] and b > a)
    row = atts[default[0]][0, default[1], pron_i].numpy()
    allowed = [i for i, (a, b) in enumerate(art_off) if b > a and i != pron_i and art_ids[i] not in (CLS, SEP)
               and not (art_link["pronoun"][0] <= a < art_link["pronoun"][1])]
    top = sorted(allowed, key=lambda i: -row[i])[:4]
    art_top = [(saved_tok.vocab[art_ids[i]], float(row[i])) for i in top]
    art_ok = bool(art["per_link"][default[0], default[1], 0])

    for ex in examples:
        ex["recommended_head"] = {"layer": default[0], "head": default[1]}
    write_json(out / "examples.json", {"description": "Example sentences offered by attnscope for its built-in model, "
                                                      "pronoun examples first. Spans are Unicode code points, end exclusive.",
                                       "recommended_head": {"layer": default[0], "head": default[1]},
                                       "examples": [{k: v for k, v in ex.items() if k != "recommended_head"}
                                                    for ex in examples]})

    if args.check_tokenizer:
        texts = [l["text"] for p in files.values() for l in read_jsonl(p)] + [e["text"] for e in examples]
        check_tokenizer(out, texts, saved_tok)

    total = time.time() - t_start
    summary = {"train_seconds": train_seconds, "total_seconds": facts.get("total_seconds", total), "steps": args.steps,
               "batch": args.batch, "threads": args.threads, "size_bytes": size, "vocab": len(vocab),
               "default_head": default, "heldout_acc": float(held[default]), "dev_head": dev_head,
               "dev_acc": float(both[dev_head]), "dev_acc_of_default": float(both[default]), "article_ok": art_ok,
               "article_top": art_top, "min_token_count": facts["min_token_count"],
               "max_train_len": facts["max_train_len"]}
    for name, r in results.items():
        l, h = best_head(r["acc"])
        summary[name] = {"best": [l, h], "best_acc": float(r["acc"][l, h]),
                         "default_acc": float(r["acc"][default]), "dev_head_acc": float(r["acc"][dev_head]),
                         "baseline": r["baseline"], "links": r["links"]}
    write_model_card(out, args, cfg, tok, heldout, results, summary, n_params)
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"wall time: training {train_seconds / 60:.1f} min, total {total / 60:.1f} min")


def check_tokenizer(out: Path, texts: list[str], tok: Tokenizer):
    """Runs Hugging Face's own tokenizers (Rust, through its Node binding) on tokenizer.json."""
    here = Path(__file__).resolve().parent
    script = here / "builtin" / "check_tokenizer.mjs"
    inp = out / "eval" / ".texts.json"
    inp.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    try:
        res = subprocess.run(["node", str(script), str(out / "tokenizer.json"), str(inp)], capture_output=True,
                             text=True, check=True)
    finally:
        inp.unlink()
    ref = json.loads(res.stdout)
    bad = 0
    for text, r in zip(texts, ref):
        ids, offsets = tok.encode(text)
        if ids != r["ids"] or [list(o) for o in offsets] != r["offsets"]:
            bad += 1
            if bad <= 5:
                print("tokenizer mismatch:", text, ids, r["ids"], offsets, r["offsets"])
    print(f"tokenizer check: {len(texts) - bad}/{len(texts)} texts identical to Hugging Face tokenizers")
    if bad:
        sys.exit(1)


def write_model_card(out, args, cfg, tok, heldout, results, summary, n_params):
    from builtin import chinese, english
    en_words = [w for w in tok.vocab[5:] if w.isascii()]
    zh_words = [w for w in tok.vocab[5:] if not w.isascii()]
    d = summary["default_head"]
    dh = summary["dev_head"]
    tmpl = {lang: sorted(data.LANGS[lang].TEMPLATES) for lang in ("en", "zh")}
    role = {"en": sorted(english.ROLE_TEMPLATES), "zh": sorted(chinese.ROLE_TEMPLATES)}

    def kinds_breakdown(lang):
        lines, kinds = heldout[lang]
        per_link = results[f"heldout_{lang}"]["per_link"][d[0], d[1]]
        acc, i = {}, 0
        for line in lines:
            kind = kinds[line["text"]][0]
            for _ in line["links"]:
                acc.setdefault(kind, []).append(per_link[i])
                i += 1
        return ", ".join(f"{k}: {pct(np.mean(v))} of {len(v)}" for k, v in acc.items())

    rows = []
    for name in ("heldout_en", "heldout_zh", "handwritten_en", "handwritten_zh"):
        s = summary[name]
        rows.append(f"| `eval/{name}.jsonl` | {s['links']} | L{s['best'][0]} H{s['best'][1]}: **{pct(s['best_acc'])}** "
                    f"| {pct(s['default_acc'])} | {pct(s['dev_head_acc'])} | {pct(s['baseline'])} |")
    tables = "\n\n".join(f"#### `{name}` (best head in bold)\n\n{acc_table(results[name]['acc'])}"
                         for name in ("heldout_en", "heldout_zh", "handwritten_en", "handwritten_zh"))
    held_words = {lang: ", ".join(k.split(":", 1)[1] for k in sorted(data.HELDOUT_WORDS[lang])) for lang in ("en", "zh")}
    held_pairs = {lang: "; ".join("+".join(k.split(":", 1)[1] for k in p) for p in data.HELDOUT_PAIRS[lang])
                  for lang in ("en", "zh")}
    art_top = ", ".join(f"{t} {w:.2f}" for t, w in summary["article_top"])
    card = f"""# attnscope-pronouns

attnscope's built-in model: a small bilingual (English + Chinese) BERT, trained from scratch by
`tools/train_builtin_model.py` on sentences that the script generates, so that attnscope can show a
head in which a **pronoun attends to its antecedent** on first launch, without downloading anything.
It is a teaching model, not a language model: it knows {len(tok.vocab)} tokens and the sentence shapes below.

## Architecture

BERT (post-LayerNorm, GELU, absolute positions), Hugging Face layout (`config.json`, `model.safetensors`
with `BertModel` parameter names, `vocab.txt`, `tokenizer.json`):

| | |
| --- | --- |
| layers × heads | {cfg.num_hidden_layers} × {cfg.num_attention_heads} (head size {cfg.hidden_size // cfg.num_attention_heads}) |
| hidden / intermediate | {cfg.hidden_size} / {cfg.intermediate_size} |
| max positions | {cfg.max_position_embeddings} (training texts are up to ~{summary.get('max_train_len', 90)} tokens long) |
| parameters | {n_params / 1e6:.2f} M in the encoder; `model.safetensors` is {summary['size_bytes'] / 1e6:.2f} MB (float32) |
| extra tensors | the masked-LM head, `cls.predictions.*` (BertForPreTraining's names; its decoder is tied to the word embeddings and not stored). The antecedent head is not shipped. |

## Vocabulary and tokenizer

{len(tok.vocab)} entries: the 5 special tokens, {len(en_words)} English words and {len(zh_words)} Chinese characters or
punctuation marks — exactly the tokens the generator can produce, so nothing in the vocabulary is untrained.
The tokenizer is BERT's uncased pipeline (`BertNormalizer` with lowercasing and CJK spacing,
`BertPreTokenizer`, `WordPiece` with `[CLS] $A [SEP]`), but the vocabulary is **whole words only**
(no `##` pieces): a word outside it becomes `[UNK]` and every Chinese character is its own token.

- English: people with grammatical gender (girl, boy, mother, king, queen, aunt, …, {len(english.L.NAMES_F.split())} female and
  {len(english.L.NAMES_M.split())} male names, Mr./Mrs./Miss + surname), gender-neutral people (teacher, doctor, child, …),
  groups (the children, the soldiers, …), animals, objects, foods, places, {len(english.L.VERB_TABLE)} transitive verbs,
  {len(english.L.PRED_TABLE)} predicates (hungry, broken, fresh, …) and the connectives because, when, after, so,
  although, but, if, while, then.
- Chinese: names (小明, 小红, …) and kinship terms (妈妈, 哥哥, 姐姐, …) for 他/她, groups with 们
  (孩子们 → 他们, 女孩们 → 她们), coordinations (小明和小红, 苹果、香蕉和橙子), animals and things for
  它/它们, verbs, predicates and connectives (因为, 所以, 但是, 虽然, 以后, 然后, 如果, 当…的时候, 把, 被).
  Every character of the article's sentence 「{data.ARTICLE}」 is in the vocabulary.

## Training data

`tools/builtin/` generates sentences from templates ({len(tmpl['en'])} English, {len(tmpl['zh'])} Chinese; each template is a
function with random words, tenses, determiners, adjectives and connectives). A sentence is kept only if
every pronoun has exactly one possible antecedent: every other noun phrase must differ in gender,
number or animacy, or be ruled out by the predicate chosen for the pronoun (`it was hungry` → the
animal, `it was broken` → the object, 它们都很新鲜 → the fruit). Distractors include same-gender
people, groups, possessed nouns, places and coordinations. A few templates ({', '.join(role['en'])}) are
decided by the roles a verb assigns (`A thanked B because he had helped him`, `A asked B to help her`).
One batch in six holds texts of two or three concatenated sentences.

Held out from **all** training: the templates {', '.join(sorted(data.HELDOUT_TEMPLATES['en']))} (both languages);
sentences that contain the pairings {held_pairs['en']} / {held_pairs['zh']};
the article's sentence and every evaluation text. Held out from the antecedent objective (they occur
only in masked-LM texts, {args.heldout_prefer:.0%} of which favour them over other words): the words
{held_words['en']} / {held_words['zh']}.

## Objective (what was and was not supervised)

Each training text is either (with probability {args.coref_frac}) an **antecedent-prediction** text or a masked-LM text:

- antecedent prediction: the text is not masked; from the final hidden state at the **first token of
  every pronoun**, a prediction head (dense + GELU + LayerNorm + a linear layer over the
  {len(data.LABELS)} nouns of the lexicon) predicts the head noun of the pronoun's antecedent: `girl` for
  "the little girl", 小明 for 小明, and for a coordination a uniform target over its conjuncts
  (苹果, 香蕉, 橙子 for 苹果、香蕉和橙子). The noun is a label, not a token, so a two-character word is one
  target;
- masked LM: 15% of the tokens, plus each pronoun with probability {args.pron_mask}, are masked (80% `[MASK]`,
  10% random, 10% kept) and predicted through the tied word embeddings. Predicting a masked pronoun
  needs its antecedent's gender, number and animacy; this is how the held-out words below learn theirs.

The loss is the sum of the two cross-entropies. **No attention weight is supervised or set by hand.**
The objective is designed so that the pronoun's own output must carry the antecedent's identity, and
attention is the only way to move it there; which head does it is learned. (A masked-LM objective alone
on an antecedent-dependent word did not produce such a head in an earlier experiment — see
NOTES.md — because the masked position can gather the information itself, bypassing the pronoun.)
So the head shown here is a product of a pronoun-resolution training signal: it demonstrates what such a
head looks like, not that it emerges from ordinary pre-training.

AdamW (lr {args.lr}, warm-up then cosine decay), batch {args.batch} texts, {args.steps} steps, no dropout (every step sees new sentences), fixed seeds.

    /usr/bin/python3 tools/train_builtin_model.py --out resources/models/attnscope-pronouns

regenerates every file here. Measured: {summary['train_seconds'] / 60:.1f} min of training, {summary['total_seconds'] / 60:.1f} min in
total, on {args.threads} threads of a 2-core machine shared with other work.

## Coreference evaluation (Clark et al. 2019)

The measure of "What Does BERT Look At?" (section 6): for each link, take the attention row of the
pronoun's first token in a layer×head, leave out the pronoun's own tokens and `[CLS]`/`[SEP]`, and count
the link correct when the largest weight falls on a token inside the antecedent span. The uniform
baseline is the expected accuracy of picking uniformly among the allowed tokens. Files are JSON Lines,
`{{"text": ..., "links": [{{"pronoun": [s, e], "antecedent": [s, e]}}]}}`, spans in Unicode code points
(end exclusive). The evaluation runs the saved `model.safetensors` with a plain PyTorch BERT.

The head attnscope opens on (`recommended_head` in `examples.json`): **layer {d[0]}, head {d[1]}** (0-based),
the best head of the two held-out files together ({pct(summary['heldout_acc'])} of their links) — the head
`coref-eval` reports as best, so the app shows the head this card measures. Because that choice looks
at the held-out files, the table also gives, as an estimate free of that selection, the head that
500 development sentences from the training templates alone pick: **layer {dh[0]}, head {dh[1]}**
({pct(summary['dev_acc'])} there; the app's head scores {pct(summary['dev_acc_of_default'])} there).

| file | links | best head | app's head L{d[0]} H{d[1]} | development-chosen L{dh[0]} H{dh[1]} | uniform baseline |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Held-out links by kind (app's head): English — {kinds_breakdown('en')}; Chinese — {kinds_breakdown('zh')}.
"template" = a held-out template, "word" = a held-out word as antecedent, "pair" = a held-out pairing.

The article's sentence 「{data.ARTICLE}」: in the app's head, 它 (first token of 它们) puts its
largest weights on {art_top} — {'inside' if summary['article_ok'] else 'NOT inside'} 苹果、香蕉和橙子.

{tables}

The handwritten files are natural sentences written by hand from the vocabulary (not from the templates).

## Files

`examples.json` lists the sentences attnscope offers for this model (pronoun examples first, English
and Chinese, with the pronoun and antecedent spans so the app can pin the pronoun, and the head
to open on). `training.json` records the measured training facts (time, parameters, size), which
`--reevaluate` reuses to re-evaluate the shipped model without training it again. `eval/` holds
the evaluation files above.

## Limits

It only knows its vocabulary: other words become `[UNK]`. It learned pronoun resolution from
templated sentences where gender, number, animacy, selection or verb roles decide; on real text,
sentences whose antecedent needs world knowledge or long context are beyond it. Its masked-LM
predictions are those of a toy model.
"""
    (out / "README.md").write_text(card, encoding="utf-8")


if __name__ == "__main__":
    main()
