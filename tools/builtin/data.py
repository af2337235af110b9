"""Training and evaluation data of the built-in model: held-out splits, sentence streams, encoding.

What is held out from *all* training (both objectives):
  * whole templates (HELDOUT_TEMPLATES), per language;
  * pairings (HELDOUT_PAIRS): sentences in which all words of a pairing occur together;
  * the article's sentence itself (ARTICLE), and every evaluation text.
What is held out from the antecedent objective only:
  * words (HELDOUT_WORDS): they appear in training only in masked-language-modelling examples, never
    as a supervised antecedent, so the evaluation checks that the head finds antecedents it was
    never taught to find.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from . import chinese, english
from .grammar import Realized, Retry, realize
from .tokenizer import SPECIAL_TOKENS, Tokenizer, is_punctuation, pre_tokenize

LANGS = {"en": english, "zh": chinese}
GEN = {"en": english.EnGen, "zh": chinese.ZhGen}

HELDOUT_TEMPLATES = {
    "en": {"although", "question", "time_intro", "with_poss", "three_refs", "two_pronouns"},
    "zh": {"although", "question", "time_intro", "with_poss", "three_refs", "two_pronouns"},
}
HELDOUT_WORDS = {
    "en": {"en:Emma", "en:Oliver", "en:aunt", "en:uncle", "en:rabbit", "en:watermelon", "en:kite"},
    "zh": {"zh:小丽", "zh:李雷", "zh:叔叔", "zh:阿姨", "zh:兔子", "zh:西瓜", "zh:风筝"},
}
HELDOUT_PAIRS = {
    "en": [("en:king", "en:queen"), ("en:Anna", "en:John"), ("en:mother", "en:son"), ("en:dog", "en:ball")],
    "zh": [("zh:妈妈", "zh:哥哥"), ("zh:小明", "zh:小红"), ("zh:小狗", "zh:球"), ("zh:苹果", "zh:香蕉", "zh:橙子")],
}
ARTICLE = "我昨天去了超市，买了苹果、香蕉和橙子，它们都很新鲜"


def train_templates(lang: str) -> list[str]:
    return [t for t in LANGS[lang].TEMPLATES if t not in HELDOUT_TEMPLATES[lang]]


def has_pair(r: Realized, lang: str) -> bool:
    return any(all(k in r.words for k in pair) for pair in HELDOUT_PAIRS[lang])


def sample(lang: str, rng: random.Random, templates: list[str], banned: frozenset = frozenset(),
           accept=None, tries: int = 2000, prefer: frozenset = frozenset()) -> tuple[str, Realized]:
    mod = LANGS[lang]
    for _ in range(tries):
        name = rng.choice(templates)
        g = GEN[lang](rng, banned, prefer)
        try:
            r = realize(mod.TEMPLATES[name](g), lang, rng)
        except Retry:
            continue
        if not r.links:
            continue
        if accept is not None and not accept(r):
            continue
        return name, r
    raise RuntimeError(f"could not sample a sentence from {templates}")


class TrainStream:
    """Training texts of one language; ``coref`` selects the objective (see module doc)."""

    def __init__(self, lang: str, seed: int, exclude_texts: set[str], prefer_heldout: float = 0.6):
        self.lang = lang
        self.prefer_heldout = prefer_heldout  # share of masked-LM texts that favour the held-out words
        self.rng = random.Random(seed)
        self.templates = train_templates(lang)
        self.exclude = exclude_texts

    def one(self, coref: bool) -> Realized:
        # Held-out words never appear in antecedent-objective texts; masked-LM texts use them more
        # often than other words, since that is the only way the model meets them.
        banned = frozenset(HELDOUT_WORDS[self.lang]) if coref else frozenset()
        prefer = frozenset() if coref or self.rng.random() >= self.prefer_heldout else frozenset(HELDOUT_WORDS[self.lang])
        while True:
            _, r = sample(self.lang, self.rng, self.templates, banned, prefer=prefer)
            if has_pair(r, self.lang) or r.text in self.exclude or r.text.rstrip("。！") == ARTICLE:
                continue
            return r

    def text(self, coref: bool, long: bool = False) -> Realized:
        """One sentence, or (``long``) two or three concatenated."""
        r = self.one(coref)
        if long:
            for _ in range(self.rng.choice([1, 1, 2])):
                r = concat(r, self.one(coref), self.lang)
        return r


def concat(a: Realized, b: Realized, lang: str) -> Realized:
    sep = " " if lang == "en" else ""
    if lang == "zh" and a.text and not is_punctuation(a.text[-1]):
        sep = "。"
    shift = len(a.text) + len(sep)
    links = a.links + [{"pronoun": [l["pronoun"][0] + shift, l["pronoun"][1] + shift],
                        "antecedent": [l["antecedent"][0] + shift, l["antecedent"][1] + shift]} for l in b.links]
    return Realized(a.text + sep + b.text, links, a.targets + b.targets, a.words | b.words, a.mentions + b.mentions)


def heldout_eval(lang: str, seed: int, min_links: int) -> tuple[list[dict], dict]:
    """Evaluation lines: half from held-out templates, a quarter each with held-out words / pairings."""
    rng = random.Random(seed)
    held_t = sorted(HELDOUT_TEMPLATES[lang])
    train_t = train_templates(lang)
    words = HELDOUT_WORDS[lang]

    def uses_word(r: Realized) -> bool:
        return any(set(tg) & words for tg in r.targets)

    def uses_pair(r: Realized) -> bool:
        if not has_pair(r, lang):
            return False
        pair_words = {k for p in HELDOUT_PAIRS[lang] if all(k in r.words for k in p) for k in p}
        return any(set(tg) & pair_words for tg in r.targets)

    pair_keys = frozenset(k for p in HELDOUT_PAIRS[lang] for k in p)
    plan = [("template", held_t, None, frozenset(), min_links // 2),
            ("word", train_t, uses_word, frozenset(words), min_links // 4),
            ("pair", train_t, uses_pair, pair_keys, min_links - min_links // 2 - min_links // 4)]
    lines, kinds, seen = [], {}, {ARTICLE}
    for kind, templates, accept, prefer, need in plan:
        got = 0
        while got < need:
            name, r = sample(lang, rng, templates, frozenset(), accept, prefer=prefer)
            if r.text in seen or r.text.rstrip("。！") == ARTICLE:
                continue
            seen.add(r.text)
            lines.append({"text": r.text, "links": r.links})
            kinds[r.text] = (kind, name)
            got += len(r.links)
    return lines, kinds


def build_vocab(rng_seed: int, n_per_template: int, extra_texts: list[str]) -> list[str]:
    """Every word (English) and character (Chinese) that the TRAINING templates produce, in a fixed
    order, so that no vocabulary entry is left untrained. Raises if a held-out template, a lexicon
    entry or an extra text needs a token that training never shows."""
    counts: dict[str, int] = {}
    rng = random.Random(rng_seed)
    held: set[str] = set()
    for lang, mod in LANGS.items():
        for name in mod.TEMPLATES:
            for _ in range(n_per_template):
                # no banned words: held-out words are trained by the masked-LM texts
                _, r = sample(lang, rng, [name])
                toks = [w for w, _, _ in pre_tokenize(r.text)]
                if name in HELDOUT_TEMPLATES[lang]:
                    held.update(toks)
                else:
                    for w in toks:
                        counts[w] = counts.get(w, 0) + 1
        for w in mod.WORDS:
            for t in (w.text, w.plural or ""):
                held.update(tok for tok, _, _ in pre_tokenize(t))
    for t in extra_texts:
        held.update(w for w, _, _ in pre_tokenize(t))
    missing = sorted(held - set(counts))
    if missing:
        raise RuntimeError(f"tokens that no training template produces: {missing}")
    words = sorted(counts, key=lambda w: (not w.isascii(), -counts[w], w))
    return SPECIAL_TOKENS + words


# The label set of the antecedent objective: every noun that can head an antecedent, both languages.
LABELS = english.head_keys() + chinese.head_keys()
LABEL_ID = {k: i for i, k in enumerate(LABELS)}


@dataclass
class Encoded:
    ids: list[int]
    pron_pos: list[int]        # token index of each link's pronoun (its first token)
    targets: list[list[int]]   # label ids (LABELS) of the antecedent's head nouns, one per conjunct


def encode(tok: Tokenizer, r: Realized) -> Encoded:
    ids, offsets = tok.encode(r.text)
    pron_pos, targets = [], []
    for link, heads in zip(r.links, r.targets):
        s, e = link["pronoun"]
        pron_pos.append(next(i for i, (a, b) in enumerate(offsets) if b > a and s <= a < e))
        targets.append([LABEL_ID[k] for k in heads])
    return Encoded(ids, pron_pos, targets)
