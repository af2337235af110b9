"""Hand-written evaluation sentences and the app's example sentences.

The hand-written sentences were written as natural sentences from the model's vocabulary, not from
the templates (several use constructions no template produces); they are kept out of training.
Each entry is (text, [(pronoun, antecedent), ...]); a pronoun or antecedent is a substring of the text,
with "#n" to take its n-th occurrence (0-based). Spans are computed here, in code points.
"""
from __future__ import annotations

import re

EN = [
    ("The girl told the boy that she was tired.", [("she", "The girl")]),
    ("The dog chased the ball because it was hungry.", [("it", "The dog")]),
    ("The boy dropped the cup and it broke.", [("it", "the cup")]),
    ("Anna gave John her book.", [("her", "Anna")]),
    ("The king loved the queen, but she was sad.", [("she", "the queen")]),
    ("The children saw a lion, and they were afraid.", [("they", "The children")]),
    ("Mary found a kitten in the garden. It was very small.", [("It", "a kitten")]),
    ("Tom bought apples, bananas and oranges, and they were fresh.", [("they", "apples, bananas and oranges")]),
    ("The woman washed her car because it was dirty.", [("her", "The woman"), ("it", "her car")]),
    ("Peter called his mother because he was sick.", [("his", "Peter"), ("he", "Peter")]),
    ("The cat ate the cake because it was hungry.", [("it", "The cat")]),
    ("The cake was delicious, so the children ate it.", [("it", "The cake")]),
    ("When the teacher saw the boys, they were happy.", [("they", "the boys")]),
    ("The soldiers helped the old man because he was tired.", [("he", "the old man")]),
    ("Lucy loves her dog, and it loves her.", [("her", "Lucy"), ("it", "her dog"), ("her#1", "Lucy")]),
    ("The boy and the girl went to the park because they were bored.", [("they", "The boy and the girl")]),
    ("Grandma bought a cake for the kids, and they liked it.", [("they", "the kids"), ("it", "a cake")]),
    ("The horse was tired, so John took it home.", [("it", "The horse")]),
    ("My sister lost her keys at the station.", [("her", "My sister")]),
    ("The prince saw the princess and smiled at her.", [("her", "the princess")]),
    ("The students found a bird in the forest. It was sick.", [("It", "a bird")]),
    ("The old woman had a cat, and she loved it.", [("she", "The old woman"), ("it", "a cat")]),
    ("Jack asked his father to help him.", [("his", "Jack"), ("him", "Jack")]),
    ("The king gave the princess his horse.", [("his", "The king")]),
    ("The waiter brought the soup, but it was cold.", [("it", "the soup")]),
    ("The mice saw the cat and they ran away.", [("they", "The mice")]),
    ("Emma and her brother visited their grandmother.", [("her", "Emma"), ("their", "Emma and her brother")]),
    ("The box was too heavy, so the man could not carry it.", [("it", "The box")]),
    ("David thanked Sarah because she had helped him.", [("she", "Sarah"), ("him", "David")]),
    ("The tourists missed the bus because they were late.", [("they", "The tourists")]),
    ("The girls cleaned the kitchen because it was dirty.", [("it", "the kitchen")]),
    ("Alice read the letter and then she cried.", [("she", "Alice")]),
    ("The boy kicked the ball, and it fell in the river.", [("it", "the ball")]),
    ("The dogs were hungry, so the girl fed them.", [("them", "The dogs")]),
    ("Mr. Brown sold his car because it was too old.", [("his", "Mr. Brown"), ("it", "his car")]),
    ("The mother hugged her son because he was sad.", [("her", "The mother"), ("he", "her son")]),
    ("When the puppy saw the children, it wanted to play with them.", [("it", "the puppy"), ("them", "the children")]),
    ("Kate bought the flowers because they were beautiful.", [("they", "the flowers")]),
    ("The man could not open the door because it was broken.", [("it", "the door")]),
    ("Lily and Rose found a puppy, and they took it home.", [("they", "Lily and Rose"), ("it", "a puppy")]),
    ("The doctor told Mary that he was busy.", [("he", "The doctor")]),
    ("Before the queen met the king, she was nervous.", [("she", "the queen")]),
]

ZH = [
    ("小明的妈妈给了他一个苹果。", [("他", "小明")]),
    ("小狗追着球跑，因为它很饿。", [("它", "小狗")]),
    ("妈妈买了一个西瓜，它很甜。", [("它", "一个西瓜")]),
    ("小红告诉小明她很累。", [("她", "小红")]),
    ("哥哥和姐姐去了公园，他们玩得很开心。", [("他们", "哥哥和姐姐")]),
    ("孩子们看见了一只老虎，他们很害怕。", [("他们", "孩子们")]),
    ("小猫睡着了，因为它很累。", [("它", "小猫")]),
    ("爸爸把手机给了女儿，因为她想玩。", [("她", "女儿")]),
    ("奶奶有一只小猫，她很喜欢它。", [("她", "奶奶"), ("它", "一只小猫")]),
    ("王芳和李娜去了图书馆，她们都很高兴。", [("她们", "王芳和李娜")]),
    ("我买了三本书，它们都很有意思。", [("它们", "三本书")]),
    ("小刚帮助了奶奶，因为她很老了。", [("她", "奶奶")]),
    ("弟弟丢了他的自行车，所以他很难过。", [("他", "弟弟"), ("他#1", "弟弟")]),
    ("姐姐把蛋糕放在了桌子上，因为它还很热。", [("它", "蛋糕")]),
    ("国王很爱王后，可是她很难过。", [("她", "王后")]),
    ("那只小鸟飞走了，因为它很害怕。", [("它", "那只小鸟")]),
    ("小明和小红在公园看见了一只小狗，它很可爱。", [("它", "一只小狗")]),
    ("妈妈叫哥哥帮助她。", [("她", "妈妈")]),
    ("女孩们找到了一只兔子，她们很高兴。", [("她们", "女孩们")]),
    ("爷爷和奶奶很想念他们的儿子。", [("他们", "爷爷和奶奶")]),
    ("小美喂了那只小猫，因为它很饿。", [("它", "那只小猫")]),
    ("张伟感谢了李娜，因为她帮助了他。", [("她", "李娜"), ("他", "张伟")]),
    ("我在超市买了葡萄和草莓，它们很新鲜。", [("它们", "葡萄和草莓")]),
    ("小狗咬了哥哥的鞋子，所以他很生气。", [("他", "哥哥")]),
    ("学生们打扫了房间，因为它很脏。", [("它", "房间")]),
    ("那个男孩踢了球，它掉在了地上。", [("它", "球")]),
    ("爸爸修好了汽车，因为它坏了。", [("它", "汽车")]),
    ("哥哥给了妹妹一个娃娃，她很开心。", [("她", "妹妹")]),
    ("小明找到了他的钥匙。", [("他", "小明")]),
    ("妈妈和女儿去了商店，她们买了两件外套。", [("她们", "妈妈和女儿")]),
    ("猴子吃了香蕉，因为它很饿。", [("它", "猴子")]),
    ("小红的自行车坏了，所以她很难过。", [("她", "小红")]),
    ("我的朋友们来了，他们都很高兴。", [("他们", "我的朋友们")]),
    ("王先生卖掉了他的房子，因为它太旧了。", [("他", "王先生"), ("它", "他的房子")]),
    ("一只小猫和一只小狗在花园里，它们都很可爱。", [("它们", "一只小猫和一只小狗")]),
    ("小军告诉妈妈，他想回家。", [("他", "小军")]),
    ("爸爸回家的时候，女儿很高兴，因为她很想念他。", [("她", "女儿"), ("他", "爸爸")]),
    ("这些苹果很新鲜，爷爷很喜欢它们。", [("它们", "这些苹果")]),
    ("小龙和他的小狗一起去了海边。", [("他", "小龙")]),
    ("那些士兵很累，所以他们睡着了。", [("他们", "那些士兵")]),
    ("医生告诉小红他很忙。", [("他", "医生")]),
]

# The sentences attnscope offers for this model: pronoun examples first, English then Chinese.
EXAMPLES = [
    ("en", "The dog chased the ball because it was hungry.", [("it", "The dog")]),
    ("zh", "我昨天去了超市，买了苹果、香蕉和橙子，它们都很新鲜", [("它们", "苹果、香蕉和橙子")]),
    ("en", "The girl told the boy that she was tired.", [("she", "The girl")]),
    ("zh", "小明的妈妈给了他一个苹果。", [("他", "小明")]),
    ("en", "Tom bought apples, bananas and oranges, and they were fresh.", [("they", "apples, bananas and oranges")]),
    ("zh", "小狗追着球跑，因为它很饿。", [("它", "小狗")]),
    ("en", "The boy dropped the cup and it broke.", [("it", "the cup")]),
    ("zh", "女孩们找到了一只兔子，她们很高兴。", [("她们", "女孩们")]),
    ("en", "The woman washed her car because it was dirty.", [("her", "The woman"), ("it", "her car")]),
    ("zh", "王先生卖掉了他的房子，因为它太旧了。", [("他", "王先生"), ("它", "他的房子")]),
    ("en", "The children bought apples at the market.", []),
    ("zh", "孩子们在公园里看见了一只熊猫。", []),
]


PRONOUNS_ZH_SINGLE = ("他", "她", "它")


def _span(text: str, sub: str, pronoun: bool = False) -> list[int]:
    """The code point span of ``sub`` in ``text``, "#n" for its n-th occurrence (0-based).

    Occurrences are whole words: in English the characters around the match must not be letters
    ("he" is never found inside "The" or "mother"); a Chinese pronoun 他/她/它 is never the first
    character of 他们/她们/它们. Chinese antecedents match exact characters."""
    sub, _, nth = sub.partition("#")
    wanted = int(nth or 0)
    starts = [m.start() for m in re.finditer(re.escape(sub), text)]
    if sub.isascii():
        starts = [i for i in starts if not (i > 0 and text[i - 1].isalpha())
                  and not (i + len(sub) < len(text) and text[i + len(sub)].isalpha())]
    elif pronoun and sub in PRONOUNS_ZH_SINGLE:
        starts = [i for i in starts if text[i + 1:i + 2] != "们"]
    if wanted >= len(starts):
        raise ValueError(f"{sub!r} (occurrence {wanted}) is not a word of {text!r}")
    i = starts[wanted]
    return [i, i + len(sub)]


def _links(text, pairs):
    return [{"pronoun": _span(text, p, pronoun=True), "antecedent": _span(text, a)} for p, a in pairs]


def lines(lang: str) -> list[dict]:
    return [{"text": t, "links": _links(t, p)} for t, p in (EN if lang == "en" else ZH)]


def examples() -> list[dict]:
    return [{"language": lang, "text": t, "links": _links(t, p)} for lang, t, p in EXAMPLES]
