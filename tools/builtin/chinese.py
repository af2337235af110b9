"""Chinese sentence templates of the built-in model (see grammar.py for the engine)."""
from __future__ import annotations

import random

from . import lexicon_zh as L
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
PARTS = {n: next((w for w in WORDS if w.text == n), None) or Word(f"zh:{n}", "zh", n, "n", frozenset({"part"}))
         for n, _ in L.POSSESSED_TABLE}
NUMERALS = ["两", "三", "几", "四", "五"]
ME = Word("zh:我", "zh", "我", "1", frozenset({"person"}))


def title_word(surname: str, title: str) -> Word:
    return Word(f"zh:{surname}{title}", "zh", surname + title, L.TITLES[title], frozenset({"person", "name"}),
                proper=True)


def head_keys() -> list[str]:
    keys = [w.key for w in WORDS] + [w.key for w in PARTS.values()]
    keys += [title_word(s, t).key for s in L.SURNAMES.split() for t in L.TITLES]
    return list(dict.fromkeys(keys))
WE = Word("zh:我们", "zh", "我们", "1", frozenset({"person"}))


class ZhGen:
    lang = "zh"

    def __init__(self, rng: random.Random, banned: frozenset = frozenset(), prefer: frozenset = frozenset()):
        self.rng = rng
        self.banned = banned
        self.prefer = prefer      # words to pick more often (to build evaluation sentences)
        self.used: set[str] = set()

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
        return self._pick(lambda w: (ks is None or w.kinds & ks) and not (ex and w.kinds & ex)
                          and (gender is None or w.gender in gender) and (not plural_ok or w.plural))

    # ----- noun phrases
    def np(self, w: Word, plural: bool = False, det: str | None = None, adj: bool = True) -> Mention:
        if w.proper:
            return Mention([w], False, [w.text], head_text=[w.text])
        if plural:
            if "person" in w.kinds:
                if not w.plural:
                    raise Retry
                pre = self.rng.choice(["", "", "这些", "那些"])
                return Mention([w], True, [pre + w.plural], head_text=[w.text])
            r = self.rng.random()
            pre = (self.rng.choice(NUMERALS) + w.cl) if r < 0.6 else self.rng.choice(["这些", "那些", "一些"])
            return Mention([w], True, [pre + self._adj(w, adj) + w.text], head_text=[w.text])
        if "place" in w.kinds:
            return Mention([w], False, [w.text], head_text=[w.text])
        r = self.rng.random() if det is None else {"": 0.0, "一": 0.5, "那": 0.8, "这": 0.95}[det]
        if r < 0.45 or ("person" in w.kinds and r < 0.7 and det is None):
            pre = ""
        elif r < 0.75:
            pre = "一" + w.cl
        elif r < 0.9:
            pre = "那" + w.cl
        else:
            pre = "这" + w.cl
        text = pre + (self._adj(w, adj) if pre else "") + w.text
        return Mention([w], False, [text], head_text=[w.text])

    def _adj(self, w: Word, adj: bool) -> str:
        if not adj or self.rng.random() > 0.15:
            return ""
        kind = next((k for k in ("person", "animal", "food", "thing") if k in w.kinds), None)
        if kind is None:
            return ""
        a = self.rng.choice(L.ADJECTIVES[kind])
        return "" if w.text.startswith(a) or (a == "小" and w.text.startswith("小")) else a

    def person(self, gender: str = "mf", plural: bool = False, names: bool = True, coord: bool = True) -> Mention:
        if self.rng.random() < 0.2 and not plural:
            gender += "x"  # 老师, 医生: 他 or 她
        if plural:
            if coord and self.rng.random() < 0.35:
                return self.coord([self.person(gender), self.person(gender)])
            return self.np(self.word("person", gender=gender + "x", plural_ok=True), plural=True)
        if names and self.rng.random() < 0.45:
            w = self._pick(lambda w: w.proper and w.gender in gender.replace("x", ""))
            if self.rng.random() < 0.1:
                title = self.rng.choice([t for t, g in L.TITLES.items() if g in gender.replace("x", "")])
                w = title_word(self.rng.choice(L.SURNAMES.split()), title)
            return self.np(w)
        return self.np(self._pick(lambda w: "person" in w.kinds and not w.proper and w.gender in gender))

    def me(self, plural: bool = False) -> Mention:
        w = WE if plural else ME
        return Mention([w], plural, [w.text], head_text=[w.text])

    def animal(self, plural: bool = False) -> Mention:
        return self.np(self.word("animal"), plural=plural)

    def thing(self, kinds: str = "thing food", plural: bool = False, exclude: str = "") -> Mention:
        return self.np(self.word(kinds, exclude=exclude), plural=plural)

    def nonperson(self, plural: bool = False) -> Mention:
        return self.animal(plural) if self.rng.random() < 0.45 else self.thing(plural=plural)

    def place(self) -> Mention:
        return self.np(self.word("place"))

    def entity(self, plural: bool | None = None) -> Mention:
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
                parts.append("和" if i == len(members) - 1 else "、")
            parts.append(m)
        return Mention([h for m in members for h in m.heads], True, parts, members=list(members),
                       head_text=[t for m in members for t in m.head_text])

    def food_list(self, n: int | None = None) -> Mention:
        n = n or self.rng.choice([2, 3, 3, 4])
        items = []
        for _ in range(n):
            w = self.word("fruit" if self.rng.random() < 0.6 else "food")
            items.append(Mention([w], False, [w.text], head_text=[w.text]))
        return self.coord(items)

    def thing_list(self, kinds: str = "thing", n: int | None = None) -> Mention:
        n = n or self.rng.choice([2, 3])
        items = []
        for _ in range(n):
            w = self.word(kinds)
            items.append(Mention([w], False, [("一" + w.cl if self.rng.random() < 0.4 else "") + w.text], head_text=[w.text]))
        return self.coord(items)

    # ----- verbs and predicates
    def tv(self, subj: Mention, obj: Mention, aspect: bool | None = None) -> str:
        opts = [v for v in L.VERB_TABLE if subj.compatible(v[2]) and obj.compatible(v[3])]
        if not opts:
            raise Retry
        v = self.rng.choice(opts)
        if aspect is None:
            aspect = self.rng.random() < 0.75
        return v[1] if aspect and v[1] else v[0]

    def pred(self, pron: Pron | None, prefix: str = "", subject: Mention | None = None, only_hen: bool = False) -> Ctx:
        opts = []
        for p, sel in L.PRED_TABLE:
            if only_hen and not p.startswith("很"):
                continue
            opts.append((sel, lambda pl, p=p: prefix + ("都" if pl and self.rng.random() < 0.5 and not prefix else "") + p))
        return Ctx(pron, opts, subject=subject)

    def subj_pred(self, ref: Mention, **kw):
        p = Pron(ref, "subj", **kw)
        return [p, self.pred(p)]

    def obj_clause(self, subj: Mention, ref: Mention, **kw):
        p = Pron(ref, "obj", **kw)
        opts = [(v[3], lambda pl, v=v: v[1] or v[0]) for v in L.VERB_TABLE if subj.compatible(v[2])]
        return [Ctx(p, opts), p]

    def poss_np(self, owner: Mention, kinds: str | None = None, **kw) -> Mention:
        ks = frozenset(kinds.split()) if kinds else None
        fits = [(n, k) for n, k in L.POSSESSED_TABLE if owner.compatible(k) and (ks is None or PARTS[n].kinds & ks)
                and PARTS[n].key not in self.used and PARTS[n].key not in self.banned]
        if not fits:
            raise Retry
        n, k = self.rng.choice(fits)
        w = PARTS[n]
        self.used.add(w.key)
        p = Pron(owner, "poss", sel=k, **kw)
        return Mention([w], False, [p, "的", n], head_text=[n])

    def conn(self, *choices: str) -> str:
        return self.rng.choice(choices)

    def time(self) -> str:
        return self.rng.choice(["昨天", "今天", "早上", "晚上", "上午", "下午", "星期天", "放学以后", "上个星期"])

    def end(self) -> str:
        return self.rng.choice(["。"] * 6 + ["！", ""])


def sentient(m: Mention) -> bool:
    return all(w.kinds & {"person", "animal"} for w in m.heads)


def two(g):
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


def pick(g, *ms):
    return g.rng.choice(ms)


def verb_entry(g, a, b, need=None):
    opts = [v for v in L.VERB_TABLE if a.compatible(v[2]) and b.compatible(v[3]) and (need is None or v[need])]
    if not opts:
        raise Retry
    return g.rng.choice(opts)


# ---------------------------------------------------------------------------------------------

def opt_time(g, p: float = 0.2) -> list:
    if g.rng.random() >= p:
        return []
    return [g.time(), g.conn("，", "")]


@template("because")
def t_because(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, "，因为", *g.subj_pred(pick(g, a, b)), g.end()]


@template("when")
def t_when(g):
    a, b = two(g)
    return ["当", a, g.tv(a, b, False), b, "的时候，", *g.subj_pred(pick(g, a, b)), g.end()]


@template("so")
def t_so(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, "，所以", *g.subj_pred(pick(g, a, b)), g.end()]


@template("but")
def t_but(g):
    a, b = two(g)
    return [a, g.tv(a, b), b, g.conn("，但是", "，可是", "，不过", "，虽然"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("asked_why")
def t_asked_why(g):
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    return [a, g.conn("问", "问了"), b, "为什么", *g.subj_pred(pick(g, a, b)), g.end()]


@template("yes_no")
def t_yes_no(g):
    a, b = two(g)
    return [a, g.tv(a, b, True), b, "吗？", g.conn("是的，", "对，", "是的。"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("although")
def t_although(g):
    a, b = two(g)
    return ["虽然", a, g.tv(a, b), b, "，但是", *g.subj_pred(pick(g, a, b)), g.end()]


@template("after")
def t_after(g):
    a, b = two(g)
    return [a, g.tv(a, b, True), b, g.conn("以后，", "之后，"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("and_then")
def t_and_then(g):
    a, b = two(g)
    return [a, g.tv(a, b, True), b, g.conn("，然后", "，后来", "，"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("two_sentences")
def t_two_sentences(g):
    pre = opt_time(g)
    a, b = two(g)
    return [*pre, a, g.tv(a, b), b, "。", *g.subj_pred(pick(g, a, b)), g.end()]


@template("time_intro")
def t_time_intro(g):
    a, b = two(g)
    return [g.time(), g.conn("，", ""), a, g.tv(a, b, True), b, g.conn("，", "。"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("told_that")
def t_told_that(g):
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    head = [a, "告诉", b] if g.rng.random() < 0.5 else [a, "对", b, "说"]
    return [*head, g.conn("", "，"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("gave_poss")
def t_gave_poss(g):
    a, b = g.person(), g.person(plural=g.rng.random() < 0.2)
    return [a, "把", g.poss_np(pick(g, a, b), kinds="thing food"), g.conn("给了", "送给了", "借给了"), b, g.end()]


@template("then_obj")
def t_then_obj(g):
    a = g.person()
    b = g.nonperson(plural=g.rng.random() < 0.3)
    c = g.person(plural=g.rng.random() < 0.2)
    first = [a, g.tv(a, b, True), b] if g.rng.random() < 0.5 else [a, "在", g.place(), g.tv(a, b, True), b]
    return [*first, g.conn("，然后", "，后来", "，"), c, *g.obj_clause(c, b), g.end()]


@template("list_bought")
def t_list_bought(g):
    a = g.me(g.rng.random() < 0.2) if g.rng.random() < 0.4 else g.person(plural=g.rng.random() < 0.2)
    items = g.food_list() if g.rng.random() < 0.7 else g.thing_list("toy clothes tool container paper")
    p = Pron(items, "subj")
    r = g.rng.random()
    if r < 0.5:
        head = [a, g.time() if g.rng.random() < 0.5 else "", "去了", g.place(), "，买了", items]
    elif r < 0.75:
        head = [a, "在", g.place(), "买了", items]
    else:
        head = [a, g.conn("买了", "带来了", "找到了"), items]
    return [*head, "，", p, g.pred(p), g.end()]


@template("pair_they")
def t_pair_they(g):
    pair = g.coord([g.person(), g.person()]) if g.rng.random() < 0.7 else g.coord([g.person(), g.animal()])
    other = g.nonperson() if g.rng.random() < 0.6 else g.person()
    return [pair, g.tv(pair, other), other, g.conn("，因为", "，", "，所以", "，但是"), *g.subj_pred(pair), g.end()]


@template("poss_first")
def t_poss_first(g):
    a = g.person()
    with_np = g.poss_np(a, kinds="person animal")
    b = g.person(plural=g.rng.random() < 0.2) if g.rng.random() < 0.5 else g.nonperson()
    return [g.coord([a, with_np]), "一起", g.conn("在", "去"), g.place(), g.conn("看见了", "找到了", "遇到了"), b, g.end()]


@template("could_not")
def t_could_not(g):
    a = g.person()
    b = g.nonperson() if g.rng.random() < 0.7 else g.person()
    v = verb_entry(g, a, b)
    p = Pron(pick(g, a, b), "subj")
    ctx = g.pred(p, only_hen=True)
    ctx.options = [(s, lambda pl, f=f: "太" + f(pl).replace("都", "").replace("很", "", 1) + "了") for s, f in ctx.options]
    return [a, g.conn("没有", "不想", "没"), v[0], b, "，因为", p, ctx, g.end()]


@template("if_will")
def t_if_will(g):
    a, b = two(g)
    p = Pron(pick(g, a, b), "subj")
    return ["如果", a, g.tv(a, b, False), b, "，", p, g.pred(p, prefix="会", only_hen=True), g.end()]


@template("loves_poss")
def t_loves_poss(g):
    a = g.person(plural=g.rng.random() < 0.2) if g.rng.random() < 0.8 else g.animal()
    obj = g.poss_np(a)
    other = g.person() if g.rng.random() < 0.6 else g.nonperson()
    return [a, g.conn("很喜欢", "很爱", "找到了", "丢了", "洗了", "想念"), obj, g.conn("，", "。"), other,
            g.pred(None, subject=other), g.end()]


@template("thanked", role=True)
def t_thanked(g):
    a, b = g.person(), g.person()
    verb, reason = g.rng.choice([("感谢", "帮助了"), ("谢谢", "帮助了"), ("谢谢", "找到了"), ("感谢", "照顾了"),
                                 ("很生气", None), ("向", None)])
    if verb == "很生气":  # A was angry with B because B had laughed at A
        return [a, "生", b, "的气，因为", Pron(b, "subj", role_ok=(a,)), g.conn("骗了", "笑了", "忘了"),
                Pron(a, "obj", role_ok=(b,)), g.end()]
    if verb == "向":  # A said sorry to B because A had hurt B
        return [a, "向", b, "道歉，因为", Pron(a, "subj", role_ok=(b,)), g.conn("骗了", "笑了", "忘了"),
                Pron(b, "obj", role_ok=(a,)), g.end()]
    return [a, verb, b, "，因为", Pron(b, "subj", role_ok=(a,)), reason, Pron(a, "obj", role_ok=(b,)), g.end()]


@template("asked_to_help", role=True)
def t_asked_to_help(g):
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.2)
    p = Pron(a, "obj", role_ok=(b,))  # binding: the object of 帮助 is not its subject
    return [a, g.conn("请", "让", "叫"), b, g.conn("帮助", "等", "去找", "陪着", "照顾"), p, g.end()]


@template("passive")
def t_passive(g):
    a, b = two(g)
    v = verb_entry(g, a, b, need=4)
    return [b, "被", a, v[4], "，因为", *g.subj_pred(pick(g, a, b)), g.end()]


@template("question")
def t_question(g):
    a, b = two(g)
    v = verb_entry(g, a, b)
    return [a, "为什么", v[0], b, "？", "因为", *g.subj_pred(pick(g, a, b)), g.end()]


@template("there_was")
def t_there_was(g):
    plural = g.rng.random() < 0.25
    a = g.np(g.word("person animal thing", gender="mfn", exclude="name", plural_ok=plural), plural, det="一")
    c = g.np(g.word("person animal thing", gender="mfn", exclude="name"), False, det="一")
    both = g.coord([a, c])
    return [g.place(), g.conn("里有", "有"), both, g.conn("。", "，"), *g.subj_pred(pick(g, a, c, both)), g.end()]


@template("relative")
def t_relative(g):
    a = g.np(g._pick(lambda w: "person" in w.kinds and not w.proper and w.gender in "mf"))
    b = g.nonperson() if g.rng.random() < 0.6 else g.person()
    c = g.person(plural=g.rng.random() < 0.3) if g.rng.random() < 0.5 else g.nonperson()
    rel = Mention(a.heads, False, [g.tv(a, b, False), b, "的", *a.parts], head_text=a.head_text)
    return [rel, g.tv(a, c, True), c, "，因为", *g.subj_pred(pick(g, rel, b, c)), g.end()]


@template("while")
def t_while(g):
    a, b = two(g)
    return [a, "在", g.place(), g.tv(a, b, False), b, "的时候，", *g.subj_pred(pick(g, a, b)), g.end()]


@template("possessive_de")
def t_possessive_de(g):
    a = g.person()
    w = g.word("animal thing", exclude="food")
    owned = Mention([w], False, [a, "的", w.text], head_text=[w.text])
    c = g.person() if g.rng.random() < 0.6 else g.nonperson()
    return [c, g.tv(c, owned), owned, g.conn("，因为", "，", "，所以"), *g.subj_pred(pick(g, a, owned, c)), g.end()]


@template("obj_because")
def t_obj_because(g):
    a = g.person(plural=g.rng.random() < 0.2)
    b = g.nonperson(plural=g.rng.random() < 0.3) if g.rng.random() < 0.6 else g.person(plural=g.rng.random() < 0.3)
    c = g.person() if g.rng.random() < 0.5 else g.nonperson()
    return [a, g.tv(a, b), b, g.conn("，", "，所以", "，然后", "，可是"), c, *g.obj_clause(c, pick(g, a, b)), g.end()]


@template("three_refs")
def t_three_refs(g):
    a = g.person()
    b = g.person(plural=g.rng.random() < 0.3, coord=False)
    c = g.nonperson(plural=g.rng.random() < 0.3)
    ab = g.coord([a, b])
    return [ab, "在", g.place(), g.conn("找到了", "看见了", "买了"), c, g.conn("，", "。"),
            *g.subj_pred(pick(g, a, b, c, ab)), g.end()]


@template("with_poss")
def t_with_poss(g):
    a = g.person()
    b = g.person() if g.rng.random() < 0.5 else g.nonperson()
    if g.rng.random() < 0.5:
        return [a, g.conn("拿着", "带着"), g.poss_np(a, kinds="thing food"), g.conn("去找", "去看"), b, g.end()]
    return [a, g.conn("去找", "去看"), b, "的时候，", g.conn("拿着", "带着"), g.poss_np(pick(g, a, b), kinds="thing food"),
            g.end()]


@template("two_pronouns")
def t_two_pronouns(g):
    a = g.person()
    b = g.person() if g.rng.random() < 0.5 else g.nonperson(plural=g.rng.random() < 0.3)
    s = pick(g, a, b)
    o = b if s is a else a
    p = Pron(s, "subj")
    return [a, g.tv(a, b), b, g.conn("，因为", "，所以", "以后，"), p, *g.obj_clause(s, o), g.end()]


@template("poss_subject")
def t_poss_subject(g):
    a, b = two(g)
    owned = g.poss_np(pick(g, a, b))
    return [a, g.tv(a, b), b, g.conn("，", "。"), owned, g.pred(None, subject=owned), g.end()]


@template("has")
def t_has(g):
    a = g.person(plural=g.rng.random() < 0.2) if g.rng.random() < 0.8 else g.me()
    plural = g.rng.random() < 0.3
    w = g.word("animal thing food")
    b = g.np(w, plural=plural, det="一") if not plural else g.np(w, plural=True)
    return [a, "有", b, g.conn("，", "。"), *g.subj_pred(pick(g, a, b)), g.end()]


@template("ba_put")
def t_ba_put(g):
    a = g.person()
    b = g.thing("thing food", exclude="furniture")
    c = g.np(g.word("furniture container"), det="")
    return [a, "把", b, "放在了", c, g.conn("上", "里"), "，因为", *g.subj_pred(pick(g, a, b, c)), g.end()]


@template("part_of")
def t_part_of(g):
    a = g.person(plural=g.rng.random() < 0.2)
    b = g.np(g.word("vehicle building container paper plant furniture animal place"), plural=g.rng.random() < 0.2)
    owned = g.poss_np(b, kinds="part")
    return [a, g.tv(a, b), b, g.conn("，", "。"), owned, g.pred(None, subject=owned), g.end()]


@template("intransitive")
def t_intransitive(g):
    a = g.entity()
    where = ["在", g.place()] if g.rng.random() < 0.4 else []
    return [a, *where, g.pred(None, subject=a), g.conn("，因为", "，所以", "。", "，"), *g.subj_pred(a), g.end()]


@template("pred_then_obj")
def t_pred_then_obj(g):
    b = g.nonperson(plural=g.rng.random() < 0.3) if g.rng.random() < 0.7 else g.person(plural=g.rng.random() < 0.3)
    c = g.person(plural=g.rng.random() < 0.3)
    return [b, g.pred(None, subject=b), g.conn("，", "，所以", "。"), c, *g.obj_clause(c, b), g.end()]


@template("poss_obj_because")
def t_poss_obj_because(g):
    a = g.person(plural=g.rng.random() < 0.2)
    owned = g.poss_np(a, kinds="person animal thing food")
    return [a, g.tv(a, owned), owned, g.conn("，因为", "，但是", "，所以", "，"), *g.subj_pred(pick(g, a, owned)), g.end()]
