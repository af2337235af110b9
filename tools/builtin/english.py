"""English sentence templates of the built-in model (see grammar.py for the engine).

Every template is a function ``t(g) -> items`` registered with ``@template``; ``g`` is an ``EnGen``
that samples words (never a word of ``g.banned``), builds noun phrases, conjugates verbs in the
sentence's tense, and creates the deferred predicates that make each pronoun unambiguous.
"""
from __future__ import annotations

import random

from . import lexicon_en as L
from .grammar import Ctx, Mention, Pron, Retry, Word

TEMPLATES: dict[str, callable] = {}
ROLE_TEMPLATES: set[str] = set()


def template(name: str, role: bool = False):
    def deco(f):
        TEMPLATES[name] = f
        if role:
            ROLE_TEMPLATES.add(name)
        return f
    return deco


WORDS = L.build()
BY_KEY = {w.key: w for w in WORDS}
PARTS = {}
for _n, _k, _pl in L.POSSESSED_TABLE:
    # possessed nouns that are not in the main lexicon are body parts and the like
    PARTS[_n] = next((w for w in WORDS if w.text == _n or w.plural == _n), None) or \
        Word(f"en:{_n}", "en", _n, "n", frozenset({"part"}))


TOO_OK = {"be " + a for a in "tired heavy hungry sleepy busy afraid expensive sad angry full dirty cold late "
          "nervous thirsty bored excited small big".split()} | {"be too expensive", "be far away"}
TOO_OK = {vp for vp, _ in L.PRED_TABLE if vp in TOO_OK and "too" not in vp} | {"be far away"}


TITLES = {"Mr.": "m", "Mrs.": "f", "Miss": "f"}


def title_word(title: str, surname: str) -> Word:
    return Word(f"en:{title}{surname}", "en", f"{title} {surname}", TITLES[title], frozenset({"person", "name"}),
                proper=True)


def head_keys() -> list[str]:
    """Every noun that can head an antecedent (the label set of the antecedent objective)."""
    keys = [w.key for w in WORDS] + [w.key for w in PARTS.values()]
    keys += [title_word(t, s).key for t in TITLES for s in L.SURNAME_LIST]
    return list(dict.fromkeys(keys))


def _an(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


class EnGen:
    lang = "en"

    def __init__(self, rng: random.Random, banned: frozenset = frozenset(), prefer: frozenset = frozenset()):
        self.rng = rng
        self.banned = banned
        self.prefer = prefer      # words to pick more often (to build evaluation sentences)
        self.used: set[str] = set()
        self.tense = rng.choices(["past", "present"], weights=[3, 1])[0]

    # ----- sampling words
    def _pick(self, pred) -> Word:
        pool = [w for w in WORDS if pred(w) and w.key not in self.banned and w.key not in self.used]
        if not pool:
            raise Retry
        if self.prefer and self.rng.random() < 0.5:
            pool = [w for w in pool if w.key in self.prefer] or pool
        w = self.rng.choice(pool)
        self.used.add(w.key)
        return w

    def word(self, kinds: str | None = None, gender: str | None = None, plural_ok: bool = False,
             exclude: str = "") -> Word:
        ks = frozenset(kinds.split()) if kinds else None
        ex = frozenset(exclude.split())

        def ok(w: Word):
            if ks is not None and not (w.kinds & ks):
                return False
            if ex and (w.kinds & ex):
                return False
            if gender is not None and w.gender not in gender:
                return False
            if plural_ok and not w.plural:
                return False
            return True
        return self._pick(ok)

    # ----- noun phrases
    def np(self, w: Word, plural: bool = False, det: str | None = None, adj: bool = True) -> Mention:
        if w.proper:
            return Mention([w], False, [w.text], head_text=[w.text])
        noun = w.plural if plural else w.text
        if plural and noun is None:
            raise Retry
        words = []
        if adj and self.rng.random() < 0.15:
            kind = next((k for k in ("person", "animal", "food", "thing") if k in w.kinds), None)
            if kind:
                words.append(self.rng.choice(L.ADJECTIVES[kind]))
        words.append(noun)
        if det is None:
            r = self.rng.random()
            if plural:
                det = self.rng.choice(["the", "the", "two", "three", "some", "the"]) \
                    if r < 0.9 or "person" in w.kinds else ""
            elif "person" in w.kinds or "place" in w.kinds or w.plural is None:
                det = "the" if r < 0.85 else ("my" if r < 0.93 else "this")
            else:
                det = "the" if r < 0.6 else ("a" if r < 0.9 else "this")
        if det == "a":
            det = _an(words[0])
        text = " ".join(([det] if det else []) + words)
        return Mention([w], plural, [text], head_text=[noun])

    def person(self, gender: str = "mf", plural: bool = False, names: bool = True, neutral: bool | None = None) -> Mention:
        if neutral is None:
            neutral = self.rng.random() < 0.2
        g = gender + ("x" if neutral or plural else "")
        if plural:
            w = self.word("person", gender=g, plural_ok=True)
            return self.np(w, plural=True)
        if names and self.rng.random() < 0.45:
            w = self._pick(lambda w: w.proper and w.gender in g)
            if self.rng.random() < 0.12:
                title = "Mr." if w.gender == "m" else self.rng.choice(["Mrs.", "Miss"])
                w2 = title_word(title, self.rng.choice(L.SURNAME_LIST))
                return Mention([w2], False, [w2.text], head_text=[w2.text])
            return self.np(w)
        w = self._pick(lambda w: "person" in w.kinds and not w.proper and w.gender in g)
        return self.np(w)

    def animal(self, plural: bool = False) -> Mention:
        return self.np(self.word("animal"), plural=plural)

    def thing(self, kinds: str = "thing food", plural: bool = False, exclude: str = "") -> Mention:
        w = self.word(kinds, plural_ok=plural, exclude=exclude)
        return self.np(w, plural=plural)

    def nonperson(self, plural: bool = False) -> Mention:
        return self.animal(plural) if self.rng.random() < 0.45 else self.thing(plural=plural)

    def place(self) -> Mention:
        return self.np(self.word("place"), det="the")

    def entity(self, plural: bool | None = None) -> Mention:
        """Any referent: a person (gendered), a group, an animal or a thing."""
        if plural is None:
            plural = self.rng.random() < 0.25
        r = self.rng.random()
        if r < 0.45:
            return self.person(plural=plural)
        if r < 0.7:
            return self.animal(plural)
        if r < 0.9 or plural:
            return self.thing(plural=plural)
        return self.place()

    def coord(self, members: list[Mention]) -> Mention:
        parts = []
        for i, m in enumerate(members):
            if i > 0:
                parts.append("and" if i == len(members) - 1 else ",")
            parts.append(m)
        heads = [h for m in members for h in m.heads]
        return Mention(heads, True, parts, members=list(members),
                       head_text=[t for m in members for t in m.head_text])

    def people_pair(self) -> Mention:
        return self.coord([self.person(), self.person()])

    def food_list(self, n: int | None = None) -> Mention:
        n = n or self.rng.choice([2, 3, 3])
        items = []
        for _ in range(n):
            w = self.word("fruit" if self.rng.random() < 0.6 else "food", plural_ok=True)
            items.append(Mention([w], True, [w.plural], head_text=[w.plural]))
        return self.coord(items)

    def thing_list(self, kinds: str = "thing", n: int | None = None) -> Mention:
        n = n or self.rng.choice([2, 3])
        items = [self.np(self.word(kinds), det="a" if self.rng.random() < 0.5 else "the", adj=False) for _ in range(n)]
        return self.coord(items)

    # ----- verbs and predicates
    def conj(self, forms: tuple, plural: bool, tense: str | None = None) -> str:
        base, past, third = forms
        tense = tense or self.tense
        if tense == "past":
            return past
        if tense == "future":
            return "will " + base
        return base if plural else third

    def tv(self, subj: Mention, obj: Mention, tense: str | None = None) -> str:
        opts = [v for v in L.VERB_TABLE if subj.compatible(v[3]) and obj.compatible(v[4])]
        if not opts:
            raise Retry
        b, p, s, _, _ = self.rng.choice(opts)
        return self.conj((b, p, s), subj.plural, tense)

    def pred_text(self, vp: str, plural: bool, tense: str | None = None, adverb: str = "") -> str:
        tense = tense or self.tense
        first, _, rest = vp.partition(" ")
        if first == "be":
            be = {"past": "were" if plural else "was", "present": "are" if plural else "is",
                  "future": "will be"}[tense]
            return f"{be} {adverb} {rest}".replace("  ", " ")
        p, s = L.VERB_FORM_TABLE[first]
        head = self.conj((first, p, s), plural, tense)
        return f"{head} {rest}".strip()

    def pred(self, pron: Pron | None, tense: str | None = None, adverb: str = "",
             subject: Mention | None = None) -> Ctx:
        """A deferred predicate for a subject pronoun: 'was hungry', 'broke', 'smiled'.

        With an adverb ("all", "too") only the 'be ...' predicates that take it are offered."""
        opts = []
        for vp, sel in L.PRED_TABLE:
            if adverb == "all" and not vp.startswith("be "):
                continue
            if adverb == "too" and vp not in TOO_OK:
                continue
            opts.append((sel, lambda pl, vp=vp: self.pred_text(vp, pl, tense, adverb)))
        return Ctx(pron, opts, subject=subject)

    def subj_pred(self, ref: Mention, tense: str | None = None, **kw):
        p = Pron(ref, "subj", **kw)
        return [p, self.pred(p, tense)]

    def obj_clause(self, subj: Mention, ref: Mention, tense: str | None = None, **kw):
        """'<verb> it' where the verb is chosen so that only ``ref`` fits as its object."""
        p = Pron(ref, "obj", **kw)
        opts = [(v[4], lambda pl, v=v: self.conj(v[:3], subj.plural, tense))
                for v in L.VERB_TABLE if subj.compatible(v[3])]
        return [Ctx(p, opts), p]

    def poss_np(self, owner: Mention, kinds: str | None = None, **kw) -> Mention:
        """'her hat', 'its tail': the possessed noun must fit the owner (and ``kinds`` if given)."""
        ks = frozenset(kinds.split()) if kinds else None
        fits = [(n, k, pl) for n, k, pl in L.POSSESSED_TABLE if owner.compatible(k)
                and (ks is None or PARTS[n].kinds & ks)
                and PARTS[n].key not in self.used and PARTS[n].key not in self.banned]
        if not fits:
            raise Retry
        n, k, pl = self.rng.choice(fits)
        w = PARTS[n]
        self.used.add(w.key)
        p = Pron(owner, "poss", sel=k, **kw)
        return Mention([w], pl, [p, n], head_text=[n])

    def conn(self, *choices: str) -> str:
        return self.rng.choice(choices)

    def time(self) -> list[str]:
        return [self.rng.choice(["yesterday", "today", "in the morning", "last night", "on sunday",
                                 "after school", "in the evening", "last week"])]


def sentient(m: Mention) -> bool:
    return all(w.kinds & {"person", "animal"} for w in m.heads)


def two(g: EnGen):
    """Two referents that a pronoun can tell apart by gender, number, animacy or selection; the
    first is a person or an animal (the subject)."""
    if g.rng.random() < 0.15:
        # an animal and a thing (or another animal): only the predicate can decide "it" / 它
        a = g.animal(plural=g.rng.random() < 0.2)
        b = g.thing(plural=g.rng.random() < 0.2) if g.rng.random() < 0.75 else g.animal(plural=g.rng.random() < 0.2)
        return a, b
    a = g.person() if g.rng.random() < 0.6 else g.entity()
    r = g.rng.random()
    if r < 0.45:
        b = g.person()
    elif r < 0.6:
        b = g.person(plural=True)
    else:
        b = g.entity()
    if g.rng.random() < 0.5:
        a, b = b, a
    if not sentient(a):
        if not sentient(b):
            raise Retry
        a, b = b, a
    return a, b


def pick(g: EnGen, *ms: Mention) -> Mention:
    return g.rng.choice(ms)


def base_verb(g: EnGen, a: Mention, b: Mention, exclude=()) -> tuple:
    opts = [v for v in L.VERB_TABLE if a.compatible(v[3]) and b.compatible(v[4]) and v[0] not in exclude]
    if not opts:
        raise Retry
    return g.rng.choice(opts)


PARTICIPLES = {"take": "taken", "eat": "eaten", "bite": "bitten", "draw": "drawn", "ride": "ridden",
               "forget": "forgotten", "see": "seen", "wake up": "woken up"}


# ---------------------------------------------------------------------------------------------
# Templates. Names say the connective or construction.

def opt_time(g, p: float = 0.15) -> list:
    if g.rng.random() >= p:
        return []
    g.tense = "past"
    return [*g.time(), ","] if g.rng.random() < 0.7 else g.time()


@template("because")
def t_because(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, "because", *g.subj_pred(pick(g, a, b)), "."]


@template("when")
def t_when(g):
    a, b = two(g)
    return ["when", a, g.tv(a, b), b, ",", *g.subj_pred(pick(g, a, b)), "."]


@template("so")
def t_so(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, g.conn(", so", "so"), *g.subj_pred(pick(g, a, b)), "."]


@template("but")
def t_but(g):
    a, b = two(g)
    return [a, g.tv(a, b), b, g.conn(", but", "but", ", although", "although"), *g.subj_pred(pick(g, a, b)), "."]


@template("asked_why")
def t_asked_why(g):
    g.tense = "past"
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    return [a, "asked", b, "why", *g.subj_pred(pick(g, a, b)), "."]


@template("yes_no")
def t_yes_no(g):
    g.tense = "past"
    a, b = two(g)
    return ["did", a, base_verb(g, a, b)[0], b, "?", g.conn("yes", "yes ,", "no ,"), *g.subj_pred(pick(g, a, b)), "."]


@template("although")
def t_although(g):
    a, b = two(g)
    return ["although", a, g.tv(a, b), b, ",", *g.subj_pred(pick(g, a, b)), "."]


@template("after")
def t_after(g):
    g.tense = "past"
    a, b = two(g)
    return [g.conn("after", "before"), a, g.tv(a, b), b, ",", *g.subj_pred(pick(g, a, b)), "."]


@template("has")
def t_has(g):
    a = g.person(plural=g.rng.random() < 0.2)
    plural = g.rng.random() < 0.3
    w = g.word("animal thing food", plural_ok=plural)
    b = g.np(w, plural, det=("some" if plural else "a") if g.rng.random() < 0.7 else None)
    have = g.conj(("have", "had", "has"), a.plural)
    return [a, have, b, g.conn(".", ", and", ", but"), *g.subj_pred(pick(g, a, b)), "."]


@template("and_then")
def t_and_then(g):
    a, b = two(g)
    return [a, g.tv(a, b), b, g.conn("and then", ", and then", "and"), *g.subj_pred(pick(g, a, b)), "."]


@template("two_sentences")
def t_two_sentences(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, ".", *g.subj_pred(pick(g, a, b)), "."]


@template("time_intro")
def t_time_intro(g):
    g.tense = "past"
    a, b = two(g)
    return [*g.time(), ",", a, g.tv(a, b), b, g.conn(".", ", and", ", but"), *g.subj_pred(pick(g, a, b)), "."]


@template("told_that")
def t_told_that(g):
    g.tense = "past"
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    return [a, g.conn("told", "said to", "showed"), b, "that", *g.subj_pred(pick(g, a, b)), "."]


@template("gave_poss")
def t_gave_poss(g):
    a, b = g.person(), g.person(plural=g.rng.random() < 0.2)
    return [a, g.conj(("give", "gave", "gives"), a.plural), b, g.poss_np(pick(g, a, b), kinds="thing food"), "."]


@template("then_obj")
def t_then_obj(g):
    a = g.person()
    b = g.nonperson(plural=g.rng.random() < 0.3)
    c = g.person(plural=g.rng.random() < 0.2)
    first = [a, g.tv(a, b), b] + (["in", g.place()] if g.rng.random() < 0.5 else [])
    return [*first, g.conn("and then", ", and", "and later"), c, *g.obj_clause(c, b), "."]


ME = Word("en:I", "en", "I", "1", frozenset({"person"}))
WE = Word("en:we", "en", "we", "1", frozenset({"person"}))


@template("list_bought")
def t_list_bought(g):
    if g.rng.random() < 0.3:
        g.tense = "past"
        w = g.rng.choice([ME, WE])
        a = Mention([w], w is WE, [w.text], head_text=[w.text])
    else:
        a = g.person(plural=g.rng.random() < 0.2)
    items = g.food_list() if g.rng.random() < 0.7 else g.thing_list("toy clothes tool container")
    p = Pron(items, "subj")
    pred = g.pred(p, adverb="all" if g.rng.random() < 0.3 else "")
    bought = g.conj(("buy", "bought", "buys"), a.plural)
    if g.rng.random() < 0.5:
        head = [a, *g.time()[: g.rng.random() < 0.4], g.conn("went to", "visited"), g.place(), "and", bought, items]
    else:
        head = [a, bought, items, "at", g.place()]
    return [*head, g.conn(",", ";", ".", ", and"), p, pred, "."]


@template("pair_they")
def t_pair_they(g):
    g.tense = "past"
    pair = g.people_pair() if g.rng.random() < 0.7 else g.coord([g.person(), g.animal()])
    other = g.nonperson() if g.rng.random() < 0.6 else g.person()
    return [pair, g.tv(pair, other), other, g.conn("because", ", and", "so", "but"), *g.subj_pred(pair), "."]


@template("poss_first")
def t_poss_first(g):
    a = g.person()
    with_np = g.poss_np(a, kinds="person animal")
    b = g.person(plural=g.rng.random() < 0.2) if g.rng.random() < 0.5 else g.nonperson()
    return [g.coord([a, with_np]), g.conj(("see", "saw", "see"), True), b, "in", g.place(), "."]


@template("could_not")
def t_could_not(g):
    g.tense = "past"
    a = g.person()
    b = g.nonperson() if g.rng.random() < 0.7 else g.person()
    v = base_verb(g, a, b)
    p = Pron(pick(g, a, b), "subj")
    return [a, g.conn("could not", "did not want to", "did not"), v[0], b, "because", p, g.pred(p, adverb="too"), "."]


@template("if_will")
def t_if_will(g):
    g.tense = "present"
    a, b = two(g)
    return ["if", a, g.tv(a, b), b, ",", *g.subj_pred(pick(g, a, b), tense="future"), "."]


@template("loves_poss")
def t_loves_poss(g):
    a = g.person(plural=g.rng.random() < 0.2) if g.rng.random() < 0.8 else g.animal()
    obj = g.poss_np(a)
    v = g.rng.choice([("love", "loved", "loves"), ("like", "liked", "likes"), ("miss", "missed", "misses"),
                      ("lose", "lost", "loses"), ("find", "found", "finds"), ("wash", "washed", "washes")])
    other = g.person() if g.rng.random() < 0.6 else g.nonperson()
    return [a, g.conj(v, a.plural), obj, g.conn(", and", ", but", "."), other, g.pred(None, subject=other), "."]


@template("thanked", role=True)
def t_thanked(g):
    g.tense = "past"
    a, b = g.person(), g.person()
    verb, reason = g.rng.choice([("thanked", "had helped"), ("thanked", "had called"), ("thanked", "had visited"),
                                 ("was angry with", "had lied to"), ("was angry with", "had laughed at"),
                                 ("smiled at", "had helped"), ("said sorry to", None)])
    if reason is None:  # A said sorry to B because A had hurt B
        return [a, verb, b, "because", Pron(a, "subj", role_ok=(b,)),
                g.conn("had hurt", "had forgotten", "had not called", "had laughed at"), Pron(b, "obj", role_ok=(a,)), "."]
    return [a, verb, b, "because", Pron(b, "subj", role_ok=(a,)), reason, Pron(a, "obj", role_ok=(b,)), "."]


@template("asked_to_help", role=True)
def t_asked_to_help(g):
    g.tense = "past"
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    # binding (Chomsky's principle B): the object pronoun of "help" cannot be its own subject
    p = Pron(a, "obj", role_ok=(b,))
    return [a, g.conn("asked", "told", "wanted"), b, "to", g.conn("help", "call", "wait for", "follow", "visit", "find"),
            p, "."]


@template("passive")
def t_passive(g):
    g.tense = "past"
    a, b = two(g)
    v = base_verb(g, a, b, exclude=("meet", "see", "find", "pick up", "wake up", "ask", "greet"))
    pp = PARTICIPLES.get(v[0], v[1])
    return [b, "were" if b.plural else "was", pp, "by", a, "because", *g.subj_pred(pick(g, a, b)), "."]


@template("question")
def t_question(g):
    g.tense = "past"
    a, b = two(g)
    return ["why did", a, base_verb(g, a, b)[0], b, "?", "because", *g.subj_pred(pick(g, a, b)), "."]


@template("there_was")
def t_there_was(g):
    g.tense = "past"
    plural = g.rng.random() < 0.25
    a = g.np(g.word("person animal thing", gender="mfn", plural_ok=plural, exclude="name"), plural,
             det="some" if plural else "a")
    c = g.np(g.word("person animal thing", gender="mfn", exclude="name"), False, det="a")
    both = g.coord([a, c])
    return ["there", "were" if a.plural else "was", both, "in", g.place(), ".", *g.subj_pred(pick(g, a, c, both)), "."]


@template("relative")
def t_relative(g):
    g.tense = "past"
    a = g.person()
    b = g.nonperson() if g.rng.random() < 0.6 else g.person()
    c = g.person(plural=g.rng.random() < 0.3) if g.rng.random() < 0.5 else g.nonperson()
    return [a, "who", g.tv(a, b), b, g.tv(a, c), c, "because", *g.subj_pred(pick(g, a, b, c)), "."]


@template("while")
def t_while(g):
    g.tense = "past"
    a, b = two(g)
    return [a, g.tv(a, b), b, "in", g.place(), "while", *g.subj_pred(pick(g, a, b)), "."]


@template("possessive_s")
def t_possessive_s(g):
    a = g.person()
    w = g.word("animal thing", exclude="food")
    owned = Mention([w], False, [a, "'s", w.text], head_text=[w.text])
    c = g.person() if g.rng.random() < 0.6 else g.nonperson()
    return [c, g.tv(c, owned), owned, g.conn("because", "and", ", so"), *g.subj_pred(pick(g, a, owned, c)), "."]


@template("obj_because")
def t_obj_because(g):
    a = g.person(plural=g.rng.random() < 0.2)
    b = g.nonperson(plural=g.rng.random() < 0.3) if g.rng.random() < 0.6 else g.person(plural=g.rng.random() < 0.3)
    c = g.person() if g.rng.random() < 0.5 else g.nonperson()
    return [a, g.tv(a, b), b, g.conn("and", "because", "so", "but"), c, *g.obj_clause(c, pick(g, a, b)), "."]


@template("three_refs")
def t_three_refs(g):
    g.tense = "past"
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.3)
    c = g.nonperson(plural=g.rng.random() < 0.3)
    ab = g.coord([a, b])
    return [ab, g.conn("found", "saw", "bought", "liked"), c, "in", g.place(), g.conn(",", ". then", ", and"),
            *g.subj_pred(pick(g, a, b, c, ab)), "."]


@template("with_poss")
def t_with_poss(g):
    a = g.person()
    b = g.person() if g.rng.random() < 0.5 else g.nonperson()
    return [a, g.tv(a, b), b, "with", g.poss_np(pick(g, a, b)), "."]


@template("two_pronouns")
def t_two_pronouns(g):
    g.tense = "past"
    a = g.person()
    b = g.person() if g.rng.random() < 0.5 else g.nonperson(plural=g.rng.random() < 0.3)
    s = pick(g, a, b)
    o = b if s is a else a
    p = Pron(s, "subj")
    return [a, g.tv(a, b), b, g.conn("because", "when", "after", "so"), p, *g.obj_clause(s, o), "."]


@template("poss_subject")
def t_poss_subject(g):
    a, b = two(g)
    owned = g.poss_np(pick(g, a, b))
    return [a, g.tv(a, b), b, g.conn(",", "and", "because", ". then"), owned, g.pred(None, subject=owned), "."]


@template("part_of")
def t_part_of(g):
    a = g.person(plural=g.rng.random() < 0.2)
    b = g.np(g.word("vehicle building container paper plant furniture animal"), plural=g.rng.random() < 0.2)
    owned = g.poss_np(b, kinds="part")
    return [a, g.tv(a, b), b, g.conn(", and", ".", ", but"), owned, g.pred(None, subject=owned), "."]


@template("intransitive")
def t_intransitive(g):
    a = g.entity()
    where = ["in", g.place()] if g.rng.random() < 0.4 else []
    return [a, g.pred(None, subject=a), *where, g.conn("because", ", so", "and", ", but", "."), *g.subj_pred(a), "."]


@template("pred_then_obj")
def t_pred_then_obj(g):
    b = g.nonperson(plural=g.rng.random() < 0.3) if g.rng.random() < 0.7 else g.person(plural=g.rng.random() < 0.3)
    c = g.person(plural=g.rng.random() < 0.3)
    return [b, g.pred(None, subject=b), g.conn(", so", "and", ".", ", but"), c, *g.obj_clause(c, b), "."]


@template("poss_obj_because")
def t_poss_obj_because(g):
    a = g.person(plural=g.rng.random() < 0.2)
    owned = g.poss_np(a, kinds="person animal thing food")
    return [a, g.tv(a, owned), owned, g.conn("because", ", but", ", so", "and"), *g.subj_pred(pick(g, a, owned)), "."]
