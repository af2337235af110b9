"""Chinese words of the built-in model (tokenized per character by BERT's CJK rule).

The same semantic kinds as lexicon_en.py. People carry gender (他 / 她), groups take 们 (他们 / 她们),
animals and things take 它 / 它们.
"""
from __future__ import annotations

from .grammar import Word

# noun | group form (or -) | gender | extra kinds
PEOPLE = """
妈妈|-|f|
爸爸|-|m|
哥哥|-|m|
姐姐|-|f|
弟弟|-|m|
妹妹|-|f|
爷爷|-|m|
奶奶|-|f|
叔叔|-|m|
阿姨|-|f|
儿子|-|m|
女儿|-|f|
男孩|男孩们|m|child
女孩|女孩们|f|child
国王|-|m|
王后|-|f|
王子|王子们|m|
公主|公主们|f|
丈夫|-|m|
妻子|-|f|
外婆|-|f|
外公|-|m|
男人|男人们|m|
女人|女人们|f|
老奶奶|-|f|
老爷爷|-|m|
老师|老师们|x|
医生|医生们|x|
学生|学生们|x|
孩子|孩子们|x|child
朋友|朋友们|x|
警察|警察们|x|
司机|司机们|x|
士兵|士兵们|x|
工人|工人们|x|
农民|农民们|x|
邻居|邻居们|x|
护士|护士们|x|
同学|同学们|x|
客人|客人们|x|
"""

NAMES_F = "小红 小丽 韩梅梅 王芳 李娜 小美 丽丽 小兰 小芳 张静 林红 小雪"
NAMES_M = "小明 小刚 李雷 张伟 王强 大伟 小军 小龙 刘洋 陈浩 小虎 小华"
SURNAMES = "王 李 张 刘 陈"
TITLES = {"先生": "m", "太太": "f", "女士": "f"}

# noun | classifier | kinds
ANIMALS = """
小狗|只|dog
小猫|只|cat
兔子|只|
小鸟|只|bird
马|匹|horse
牛|头|
猴子|只|
熊猫|只|
老虎|只|
鸭子|只|bird
鱼|条|fish
小羊|只|
狮子|头|
大象|头|
老鼠|只|
小鸡|只|bird
青蛙|只|
熊|只|
狐狸|只|
金鱼|条|fish
"""

THINGS = """
球|个|toy
娃娃|个|toy
风筝|个|toy
玩具|个|toy
杯子|个|container
盒子|个|container
箱子|个|container
书包|个|container
篮子|个|container
碗|个|container
瓶子|个|container
汽车|辆|vehicle
自行车|辆|vehicle
公共汽车|辆|vehicle
船|条|vehicle
火车|列|vehicle
椅子|把|furniture
桌子|张|furniture
床|张|furniture
门|扇|furniture
窗户|扇|furniture
书|本|paper
信|封|paper
报纸|份|paper
照片|张|paper
手机|部|device
电脑|台|device
钟|个|device
灯|盏|device
收音机|台|device
钥匙|把|tool
刀|把|tool
笔|支|tool
雨伞|把|tool
帽子|顶|clothes
外套|件|clothes
裙子|条|clothes
衬衫|件|clothes
鞋子|双|clothes
花|朵|plant
树|棵|plant
"""

FOODS = """
苹果|个|fruit
香蕉|根|fruit
橙子|个|fruit
梨|个|fruit
葡萄|串|fruit
草莓|个|fruit
西瓜|个|fruit
桃子|个|fruit
蛋糕|块|
饼干|块|
鸡蛋|个|
面包|块|
包子|个|
饺子|个|
牛奶|杯|drink
果汁|杯|drink
茶|杯|drink
米饭|碗|
汤|碗|
"""

PLACES = """
超市|building
公园|
学校|building
商店|building
河边|
家|building
厨房|room
图书馆|building
动物园|
森林|
农场|
医院|building
车站|building
房间|room
城市|
村子|
湖边|
饭店|building
市场|
海边|
花园|
"""

# verb | perfective form ("-" = not used with 了) | subject kinds | object kinds | passive result ("-" = none)
VERBS = """
看见|看见了|person animal|*|看见了
喜欢|-|person animal|*|-
找到|找到了|person animal|person animal thing food|找到了
带走|带走了|person|animal thing food|带走了
买|买了|person|animal thing food|买走了
喂|喂了|person|animal|喂饱了
追|追了|person animal|person animal toy vehicle|追上了
帮助|帮助了|person animal|person animal|帮助了
遇到|遇到了|person|person|-
看望|看望了|person|person|-
叫|叫了|person|person animal|叫醒了
抱|抱起了|person|person animal toy|抱起来了
踢|踢了|person animal|toy container furniture|踢倒了
吃|吃了|person animal|food|吃掉了
洗|洗了|person|animal clothes container vehicle fruit furniture toy|洗干净了
拿|拿起了|person|toy container food paper device tool clothes|拿走了
画|画了|person|*|画了
打开|打开了|person|container paper building furniture|打开了
看着|-|person animal|person animal vehicle|-
跟着|-|person animal|person animal vehicle|-
感谢|感谢了|person|person|-
爱|-|person animal|*|-
丢|丢了|person|toy container paper device tool clothes animal|弄丢了
卖|卖了|person|animal thing food|卖掉了
抓|抓住了|person animal|animal toy|抓住了
咬|咬了|animal|person animal food toy clothes|咬了
捡|捡起了|person|toy container food paper device tool clothes|捡走了
带来|带来了|person animal|toy container food paper device tool clothes animal|带来了
打扫|打扫了|person|room building furniture container vehicle device place|打扫干净了
修|修好了|person|device vehicle toy furniture container|修好了
读|读了|person|paper|-
做|做了|person|food|做好了
骑|骑了|person|horse vehicle|-
推|推了|person animal|person animal vehicle furniture container toy|推倒了
问|问了|person|person|-
吓|吓了|person animal|person animal|吓坏了
亲|亲了|person|person animal|-
想念|-|person animal|person animal place building|-
照顾|照顾了|person|person animal plant|照顾得很好
"""

# predicate after a subject pronoun | kinds of subject it fits
PREDICATES = """
很累|person animal
很高兴|person animal
很开心|person animal
很难过|person animal
很生气|person animal
很害怕|person animal
迟到了|person vehicle
很忙|person
生病了|person animal plant
很无聊|person
很饿|person animal
很渴|person animal plant
很孤独|person animal
很兴奋|person animal
很骄傲|person
很困|person animal
很紧张|person animal
很善良|person animal
很聪明|person animal
很抱歉|person
很冷|person animal food drink place room building
很老|person animal plant
很旧|thing building
太小了|*
太大了|*
很脏|*
很漂亮|*
很重|thing animal person food
坏了|toy container vehicle furniture device tool
空了|container room building place
满了|container room building place
是圆的|toy fruit furniture container
是木头做的|furniture toy building container vehicle
太贵了|thing food animal building
是新的|thing building
很新鲜|food drink plant
很甜|food drink
熟了|fruit
很好吃|food drink
还很热|food drink device
很有意思|paper person place animal
很好笑|paper person animal
很安静|person animal place room building device
很远|place building
人很多|place building vehicle room
跑得很快|vehicle animal person
很软|toy furniture clothes food animal
是红色的|thing food plant
笑了|person
哭了|person animal
回家了|person animal
睡着了|person animal
想回家|person animal
好多了|person animal
跑掉了|person animal
想玩|person animal
叫了起来|animal person
唱起了歌|person bird
游走了|fish bird
飞走了|bird
掉在了地上|thing food person animal
停了|device vehicle
很香|food drink plant
长得很快|plant person animal
"""

# possessed noun | owner kinds
POSSESSED = """
帽子|person
书包|person
书|person
自行车|person
手机|person
外套|person
鞋子|person
钥匙|person
汽车|person
小狗|person
小猫|person
马|person
房子|person
房间|person
玩具|person animal
球|person animal
杯子|person
朋友|person animal
妈妈|person animal
爸爸|person
姐姐|person
哥哥|person
老师|person
儿子|person
女儿|person
妻子|person
丈夫|person
弟弟|person
妹妹|person
尾巴|animal
食物|person animal
床|person animal
眼睛|person animal
腿|person animal furniture
轮子|vehicle
门|vehicle building furniture
窗户|vehicle building
屋顶|building vehicle
叶子|plant
盖子|container
把手|container tool furniture
名字|person animal place building
颜色|thing animal plant
"""


def _kinds(s: str) -> frozenset:
    return frozenset(s.split())


def _table(s: str):
    return [line.split("|") for line in s.strip().splitlines() if line.strip()]


def build():
    words: list[Word] = []
    for n, grp, g, extra in _table(PEOPLE):
        words.append(Word(f"zh:{n}", "zh", n, g, _kinds("person " + extra), plural=None if grp == "-" else grp,
                          cl="位" if g == "x" and n in ("老师", "医生") else "个"))
    for n in NAMES_F.split():
        words.append(Word(f"zh:{n}", "zh", n, "f", _kinds("person name"), proper=True))
    for n in NAMES_M.split():
        words.append(Word(f"zh:{n}", "zh", n, "m", _kinds("person name"), proper=True))
    for n, cl, k in _table(ANIMALS):
        words.append(Word(f"zh:{n}", "zh", n, "n", _kinds("animal " + k), cl=cl, plural=n))
    for n, cl, k in _table(THINGS):
        words.append(Word(f"zh:{n}", "zh", n, "n", _kinds("thing " + k), cl=cl, plural=n))
    for n, cl, k in _table(FOODS):
        words.append(Word(f"zh:{n}", "zh", n, "n", _kinds("food " + k), cl=cl, plural=n))
    for n, k in _table(PLACES):
        words.append(Word(f"zh:{n}", "zh", n, "n", _kinds("place " + k)))
    return words


VERB_TABLE = [(v, None if pf == "-" else pf, _kinds(s), None if o == "*" else _kinds(o), None if ps == "-" else ps)
              for v, pf, s, o, ps in _table(VERBS)]
PRED_TABLE = [(p, None if k == "*" else _kinds(k)) for p, k in _table(PREDICATES)]
POSSESSED_TABLE = [(n, _kinds(k)) for n, k in _table(POSSESSED)]
ADJECTIVES = {
    "person": "小 可爱的 年轻的 善良的".split(),
    "animal": "小 可爱的 白色的 黑色的 胖胖的".split(),
    "thing": "大 小 新的 旧的 红色的 蓝色的".split(),
    "food": "大 新鲜的 红红的".split(),
}
