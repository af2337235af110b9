"""A small generation engine for sentences whose pronouns have exactly one possible antecedent.

A template (a function in ``english.py`` or ``chinese.py``) returns a list of items: plain strings,
``Mention`` objects (noun phrases, possibly coordinated), ``Pron`` objects (a pronoun that refers to a
mention) and ``Ctx`` objects (a predicate or a verb whose choice is deferred until every mention of
the sentence is known). ``realize`` then

* chooses each deferred predicate among those that fit the pronoun's referent and rule out every
  other mention that the pronoun could grammatically refer to (same gender, number, animacy), and
* rejects the sentence (``Retry``) if some pronoun still has a competitor,

so every generated link is decided by gender, number, animacy, selection (what can be hungry, fresh,
broken...) or, in templates marked as such, by the roles a verb assigns.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field


class Retry(Exception):
    """The sampled words do not give an unambiguous sentence; sample again."""


@dataclass(frozen=True)
class Word:
    key: str                 # unique, e.g. "en:girl", "zh:妈妈"
    lang: str
    text: str                # singular surface form
    gender: str              # "m", "f", "x" (person of either gender), "n" (not a person)
    kinds: frozenset         # semantic classes: person, animal, food, container, place, ...
    plural: str | None = None  # English plural / Chinese group form (孩子们), None if not countable
    proper: bool = False     # a name: no determiner
    cl: str = "个"           # Chinese classifier
    group: bool = False      # a collective plural noun used as is ("the children")

    @property
    def is_person(self) -> bool:
        return "person" in self.kinds


@dataclass(eq=False)
class Mention:
    """A noun phrase in a sentence. ``heads`` are the head nouns (one per conjunct)."""
    heads: list[Word]
    plural: bool
    parts: list                  # strings and nested Mentions, rendered in order
    members: list["Mention"] = field(default_factory=list)  # conjuncts of a coordination
    head_text: list[str] = field(default_factory=list)      # surface of each head noun
    start: int = -1
    end: int = -1
    chosen: str | None = None    # pronoun form picked for a gender-neutral person ("the teacher" -> she)

    @property
    def persons(self) -> bool:
        return all(w.is_person for w in self.heads)

    def compatible(self, sel: frozenset | None) -> bool:
        if sel is None:
            return True
        return all(w.kinds & sel for w in self.heads)

    def all_mentions(self):
        yield self
        for p in self.parts:
            if isinstance(p, Mention):
                yield from p.all_mentions()


@dataclass(eq=False)
class Pron:
    ref: Mention
    case: str                    # "subj", "obj", "poss"
    sel: frozenset | None = None  # fixed selection restriction of its context (e.g. owner of "tail")
    role_ok: tuple = ()          # mentions allowed to agree because the verb's roles decide
    text: str = ""
    start: int = -1
    end: int = -1
    link: bool = True            # emit a link for this pronoun


@dataclass(eq=False)
class Ctx:
    """A deferred predicate / verb phrase applying to ``pron``'s referent (or to a mention)."""
    pron: Pron | None
    options: list                 # [(sel, render(plural) -> str)]
    subject: Mention | None = None
    text: str = ""


def agreement(m: Mention, lang: str) -> set[str]:
    """Pronoun forms that could grammatically refer to ``m``."""
    if m.plural:
        if any(w.gender == "1" for w in m.heads):
            return set()
        if lang == "en":
            return {"they"}
        if not any(w.is_person for w in m.heads):
            return {"它们"}
        genders = {w.gender for w in m.heads}
        if genders == {"f"}:
            return {"她们"}
        if "x" in genders and len(m.heads) == 1:
            return {"他们", "她们"}  # 学生们 may be all girls
        return {"他们"}
    w = m.heads[0]
    if w.gender == "1":
        return set()  # first or second person: no third-person pronoun refers to it
    if not w.is_person:
        return {"it"} if lang == "en" else {"它"}
    if w.gender == "x":
        return {"he", "she"} if lang == "en" else {"他", "她"}
    if lang == "en":
        return {"he"} if w.gender == "m" else {"she"}
    return {"他"} if w.gender == "m" else {"她"}


def form_of(m: Mention, lang: str) -> str:
    forms = agreement(m, lang)
    if m.chosen is not None and m.chosen in forms:
        return m.chosen
    if len(forms) != 1:
        if lang == "zh" and forms == {"他们", "她们"}:
            return "他们"
        raise Retry  # a gender-neutral singular person cannot be pronominalised unambiguously
    return next(iter(forms))


def _inside(m: Mention, ref: Mention) -> bool:
    """m is the antecedent itself or a part of it (a conjunct, a possessor): it lies inside the
    antecedent's span, so attending to it counts as finding the antecedent. A coordination that
    contains the antecedent is NOT inside it and competes like any other noun phrase."""
    return any(m is x for x in ref.all_mentions())


@dataclass
class Realized:
    text: str
    links: list            # [{"pronoun": [s, e], "antecedent": [s, e]}]
    targets: list          # per link: keys of the antecedent's head nouns (one per conjunct)
    words: set             # keys of every noun used
    mentions: list


def realize(items: list, lang: str, rng: random.Random, capitalize: bool = True) -> Realized:
    mentions: list[Mention] = []
    prons: list[Pron] = []
    ctxs: list[Ctx] = []

    def collect(seq):
        for it in seq:
            if isinstance(it, Mention):
                for m in it.all_mentions():
                    if m not in mentions:
                        mentions.append(m)
                    for p in m.parts:
                        if isinstance(p, Pron):
                            prons.append(p)
            elif isinstance(it, Pron):
                prons.append(it)
            elif isinstance(it, Ctx):
                ctxs.append(it)

    collect(items)
    ctx_of = {id(c.pron): c for c in ctxs if c.pron is not None}

    def competitors(p: Pron, sel: frozenset | None) -> list[Mention]:
        form = form_of(p.ref, lang)
        out = []
        for m in mentions:
            if _inside(m, p.ref) or m in p.role_ok:
                continue
            if form not in agreement(m, lang):
                continue
            if p.sel is not None and not m.compatible(p.sel):
                continue
            if sel is not None and not m.compatible(sel):
                continue
            out.append(m)
        return out

    for p in prons:
        forms = agreement(p.ref, lang)
        if len(forms) > 1 and p.ref.chosen is None and not p.ref.plural:
            p.ref.chosen = rng.choice(sorted(forms))  # "the doctor ... she", "the doctor ... he"
    for p in prons:
        if not p.ref.compatible(p.sel):
            raise Retry
        c = ctx_of.get(id(p))
        if c is None:
            if competitors(p, None):
                raise Retry
            continue
        good = [o for o in c.options if p.ref.compatible(o[0]) and not competitors(p, o[0])]
        if not good:
            raise Retry
        c.text = rng.choice(good)[1](p.ref.plural)
    for c in ctxs:
        if c.pron is None:
            m = c.subject
            good = [o for o in c.options if m is None or m.compatible(o[0])]
            if not good:
                raise Retry
            c.text = rng.choice(good)[1](m.plural if m is not None else False)

    # Render with offsets (code points).
    out: list[str] = []
    pos = 0

    def emit(s: str) -> int | None:
        nonlocal pos
        if not s:
            return None
        if lang == "en" and out:
            glue = s[0] in ",.;:!?" or s.startswith("'s") or out[-1].endswith(" ")
            if not glue:
                out.append(" ")
                pos += 1
        out.append(s)
        pos += len(s)
        return pos - len(s)

    def render(seq) -> int | None:
        first = None
        for it in seq:
            if isinstance(it, str):
                st = emit(it)
            elif isinstance(it, Mention):
                st = render(it.parts)
                it.start, it.end = (st if st is not None else -1), pos
            elif isinstance(it, Pron):
                st = emit(it.text)
                it.start, it.end = st, pos
            elif isinstance(it, Ctx):
                st = emit(it.text)
            else:
                raise TypeError(it)
            if first is None:
                first = st
        return first

    for p in prons:
        if not p.text:
            p.text = pronoun_text(p, lang)
    render(items)
    text = "".join(out)
    if capitalize and lang == "en":
        chars = list(text)
        for i, ch in enumerate(chars):
            if i == 0 or (i >= 2 and chars[i - 1] == " " and chars[i - 2] in ".?!"):
                chars[i] = ch.upper()
        text = "".join(chars)
    links, targets = [], []
    for p in prons:
        if not p.link:
            continue
        if p.start < 0 or p.ref.start < 0:
            raise Retry
        assert text[p.start:p.end].lower() == p.text.lower(), (text, p.text)
        links.append({"pronoun": [p.start, p.end], "antecedent": [p.ref.start, p.ref.end]})
        targets.append([w.key for w in p.ref.heads])
    words = {w.key for m in mentions for w in m.heads}
    return Realized(text, links, targets, words, mentions)


PRONOUNS_EN = {
    "he": {"subj": "he", "obj": "him", "poss": "his"},
    "she": {"subj": "she", "obj": "her", "poss": "her"},
    "it": {"subj": "it", "obj": "it", "poss": "its"},
    "they": {"subj": "they", "obj": "them", "poss": "their"},
}


def pronoun_text(p: Pron, lang: str) -> str:
    form = form_of(p.ref, lang)
    if lang == "en":
        return PRONOUNS_EN[form][p.case]
    return form  # Chinese possessives add 的 in the template
