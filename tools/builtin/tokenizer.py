"""The tokenizer of attnscope's built-in model, in Python, and its tokenizer.json / vocab.txt writers.

The model ships a Hugging Face ``tokenizers`` pipeline: BertNormalizer (clean text, spaces around CJK
ideographs, lowercase, accents stripped because ``strip_accents`` is null and ``lowercase`` is true),
BertPreTokenizer (split on whitespace, isolate every punctuation character), and WordPiece over a
whole-word vocabulary (no ``##`` pieces), so a word is either in the vocabulary or becomes [UNK].
``encode`` reproduces that pipeline, including code point offsets into the original text, so the
training data and the evaluation spans mean exactly what the app will see.
"""
from __future__ import annotations

import json
import unicodedata

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP, MASK = range(5)
MAX_INPUT_CHARS_PER_WORD = 100


def is_cjk(cp: int) -> bool:
    """The ideograph ranges of BERT's _is_chinese_char (the CJK Unified Ideographs blocks)."""
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co")


def _normalize_char(ch: str) -> str:
    """BertNormalizer's per-character work: lowercase, then NFD and drop combining marks."""
    s = unicodedata.normalize("NFD", ch.lower())
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


def pre_tokenize(text: str) -> list[tuple[str, int, int]]:
    """Normalized words with code point offsets [start, end) into ``text``."""
    words: list[tuple[str, int, int]] = []
    cur, start = "", -1

    def flush(end: int):
        nonlocal cur, start
        if cur:
            words.append((cur, start, end))
        cur, start = "", -1

    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue  # clean_text removes these
        if is_whitespace(ch):
            flush(i)
        elif is_cjk(cp) or is_punctuation(ch):
            flush(i)
            norm = _normalize_char(ch)
            if norm:
                words.append((norm, i, i + 1))
        else:
            norm = _normalize_char(ch)
            if norm:
                if not cur:
                    start = i
                cur += norm
    flush(len(text))
    return words


class Tokenizer:
    def __init__(self, vocab: list[str]):
        if vocab[:5] != SPECIAL_TOKENS:
            raise ValueError("the vocabulary must start with the special tokens")
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(vocab)}
        if len(self.ids) != len(vocab):
            raise ValueError("duplicate vocabulary entries")
        if any(t.startswith("##") for t in vocab):
            raise ValueError("whole-word vocabulary only")

    def encode(self, text: str, specials: bool = True):
        """Token ids and code point offsets, [CLS] ... [SEP] (offsets (0, 0) for the specials)."""
        ids, offsets = [], []
        for word, s, e in pre_tokenize(text):
            # WordPiece over a whole-word vocabulary: no "##" pieces exist, so a word that is not
            # itself in the vocabulary (or is too long) is one [UNK].
            if len(word) > MAX_INPUT_CHARS_PER_WORD or word not in self.ids:
                ids.append(UNK)
            else:
                ids.append(self.ids[word])
            offsets.append((s, e))
        if specials:
            ids = [CLS] + ids + [SEP]
            offsets = [(0, 0)] + offsets + [(0, 0)]
        return ids, offsets

    def unknown_words(self, text: str) -> list[str]:
        return [w for w, _, _ in pre_tokenize(text) if w not in self.ids]

    def vocab_txt(self) -> str:
        return "".join(t + "\n" for t in self.vocab)

    def tokenizer_json(self) -> dict:
        added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for i, t in enumerate(SPECIAL_TOKENS)]
        template = lambda t, type_id: {"SpecialToken": {"id": t, "type_id": type_id}}  # noqa: E731
        seq = lambda s, type_id: {"Sequence": {"id": s, "type_id": type_id}}  # noqa: E731
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [template("[CLS]", 0), seq("A", 0), template("[SEP]", 0)],
                "pair": [template("[CLS]", 0), seq("A", 0), template("[SEP]", 0), seq("B", 1),
                         template("[SEP]", 1)],
                "special_tokens": {t: {"id": t, "ids": [self.ids[t]], "tokens": [t]}
                                   for t in ("[CLS]", "[SEP]")},
            },
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": MAX_INPUT_CHARS_PER_WORD,
                      "vocab": {t: i for i, t in enumerate(self.vocab)}},
        }

    @staticmethod
    def tokenizer_config_json() -> dict:
        return {
            "tokenizer_class": "BertTokenizer",
            "do_lower_case": True,
            "do_basic_tokenize": True,
            "tokenize_chinese_chars": True,
            "strip_accents": None,
            "never_split": None,
            "unk_token": "[UNK]",
            "sep_token": "[SEP]",
            "pad_token": "[PAD]",
            "cls_token": "[CLS]",
            "mask_token": "[MASK]",
            "model_max_length": 128,
            "clean_up_tokenization_spaces": True,
        }


def write_json(path, obj, indent=2):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=indent)
        f.write("\n")
