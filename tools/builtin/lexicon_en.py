"""English words of the built-in model: nouns with gender, number and semantic class; verbs; predicates.

Each line of a table is one word. Kinds (semantic classes) decide which predicates and verbs fit:
person, animal, food, fruit, drink, toy, container, vehicle, furniture, clothes, paper, device, tool,
plant, place, building, plus species tags (dog, cat, bird, horse, fish) for barking, flying, riding.
"""
from __future__ import annotations

from .grammar import Word

# singular | plural | gender | extra kinds
PEOPLE = """
girl|girls|f|child
boy|boys|m|child
woman|women|f|
man|men|m|
mother|mothers|f|
father|fathers|m|
king|kings|m|
queen|queens|f|
sister|sisters|f|
brother|brothers|m|
aunt|aunts|f|
uncle|uncles|m|
grandmother|grandmothers|f|
grandfather|grandfathers|m|
son|sons|m|
daughter|daughters|f|
wife|wives|f|
husband|husbands|m|
prince|princes|m|
princess|princesses|f|
lady|ladies|f|
actor|actors|m|
actress|actresses|f|
waiter|waiters|m|
waitress|waitresses|f|
grandma|grandmas|f|
grandpa|grandpas|m|
mom|moms|f|
dad|dads|m|
teacher|teachers|x|
doctor|doctors|x|
student|students|x|
farmer|farmers|x|
child|children|x|child
baby|babies|x|child
friend|friends|x|
neighbor|neighbors|x|
nurse|nurses|x|
driver|drivers|x|
soldier|soldiers|x|
player|players|x|
worker|workers|x|
tourist|tourists|x|
cook|cooks|x|
kid|kids|x|child
"""

NAMES_F = "Anna Mary Lucy Emma Sarah Kate Alice Lily Sophie Julia Linda Rose Grace Amy Jane Helen Laura Nina Olivia Susan"
NAMES_M = "John Tom Peter James David Mark Paul Jack Ben Max Oliver Henry Leo Adam Daniel Mike Harry George Bob Frank"
SURNAMES = "Smith Brown Green Wang Li Jones Miller Taylor"

# singular | plural | kinds
ANIMALS = """
dog|dogs|dog
cat|cats|cat
horse|horses|horse
bird|birds|bird
cow|cows|
rabbit|rabbits|
fox|foxes|
mouse|mice|
lion|lions|
duck|ducks|bird
pig|pigs|
frog|frogs|
bear|bears|
monkey|monkeys|
puppy|puppies|dog
kitten|kittens|cat
tiger|tigers|
elephant|elephants|
goat|goats|
chicken|chickens|bird
"""

THINGS = """
ball|balls|toy
doll|dolls|toy
kite|kites|toy
toy|toys|toy
cup|cups|container
box|boxes|container
bag|bags|container
bottle|bottles|container
basket|baskets|container
bowl|bowls|container
car|cars|vehicle
bike|bikes|vehicle
bus|buses|vehicle
boat|boats|vehicle
train|trains|vehicle
chair|chairs|furniture
table|tables|furniture
bed|beds|furniture
door|doors|furniture
window|windows|furniture
book|books|paper
letter|letters|paper
newspaper|newspapers|paper
picture|pictures|paper
phone|phones|device
computer|computers|device
clock|clocks|device
lamp|lamps|device
radio|radios|device
key|keys|tool
knife|knives|tool
pen|pens|tool
umbrella|umbrellas|tool
hat|hats|clothes
coat|coats|clothes
dress|dresses|clothes
shoe|shoes|clothes
shirt|shirts|clothes
flower|flowers|plant
tree|trees|plant
"""

FOODS = """
apple|apples|fruit
banana|bananas|fruit
orange|oranges|fruit
pear|pears|fruit
grape|grapes|fruit
strawberry|strawberries|fruit
watermelon|watermelons|fruit
cake|cakes|
cookie|cookies|
egg|eggs|
sandwich|sandwiches|
pizza|pizzas|
bread||
soup||
milk||drink
tea||drink
juice||drink
rice||
"""

# singular | kinds (places are always singular here)
PLACES = """
park|
shop|building
market|
school|building
river|
house|building
garden|
kitchen|room
supermarket|building
beach|
library|building
zoo|
forest|
farm|
hospital|building
station|building
room|room
city|
village|
lake|
restaurant|building
"""

# Verbs: base | past | 3rd singular | subject kinds | object kinds ("*" = any concrete noun)
VERBS = """
see|saw|sees|person animal|*
like|liked|likes|person animal|*
find|found|finds|person animal|person animal thing food
take|took|takes|person|animal thing food
buy|bought|buys|person|animal thing food
feed|fed|feeds|person|animal
chase|chased|chases|person animal|person animal toy vehicle
help|helped|helps|person animal|person animal
meet|met|meets|person|person
visit|visited|visits|person|person place building
call|called|calls|person|person animal
hug|hugged|hugs|person|person animal toy
kick|kicked|kicks|person animal|toy container furniture
eat|ate|eats|person animal|food
wash|washed|washes|person|animal clothes container vehicle fruit furniture toy
carry|carried|carries|person|animal toy container food paper device tool clothes child
paint|painted|paints|person|furniture vehicle building container toy room
open|opened|opens|person|container paper building furniture
watch|watched|watches|person animal|person animal vehicle
follow|followed|follows|person animal|person animal vehicle
thank|thanked|thanks|person|person
love|loved|loves|person animal|*
drop|dropped|drops|person animal|toy container food paper device tool clothes
lose|lost|loses|person|toy container paper device tool clothes animal
sell|sold|sells|person|animal thing food building
catch|caught|catches|person animal|animal toy
bite|bit|bites|animal|person animal food toy clothes
pick up|picked up|picks up|person|toy container food paper device tool clothes animal
bring|brought|brings|person animal|toy container food paper device tool clothes animal
clean|cleaned|cleans|person|room building furniture container vehicle device place
fix|fixed|fixes|person|device vehicle toy furniture container
hold|held|holds|person|toy animal container food paper device tool
read|read|reads|person|paper
cook|cooked|cooks|person|food
draw|drew|draws|person|*
ride|rode|rides|person|horse vehicle
push|pushed|pushes|person animal|person animal vehicle furniture container toy
pull|pulled|pulls|person animal|person animal vehicle furniture container toy
greet|greeted|greets|person|person
teach|taught|teaches|person|person animal
miss|missed|misses|person animal|person animal place building
forget|forgot|forgets|person|person toy container paper device tool clothes food
ask|asked|asks|person|person
scare|scared|scares|person animal|person animal
wake up|woke up|wakes up|person animal|person animal
kiss|kissed|kisses|person|person animal
"""

# Predicates that can follow a subject pronoun: verb phrase | kinds of subject it fits.
# "be X" is conjugated (was/were, is/are, will be); other phrases start with a verb from VERB_FORMS.
PREDICATES = """
be tired|person animal
be happy|person animal
be sad|person animal
be angry|person animal
be afraid|person animal
be late|person vehicle
be busy|person
be sick|person animal plant
be bored|person
be hungry|person animal
be thirsty|person animal plant
be lonely|person animal
be excited|person animal
be proud|person
be sleepy|person animal
be nervous|person animal
be kind|person animal
be clever|person animal
be sorry|person
be cold|person animal food drink place room building
be very old|*
be too small|*
be too big|*
be dirty|*
be beautiful|*
be heavy|thing animal person food
be broken|toy container vehicle furniture device tool
be empty|container room building place
be full|container room building place
be round|toy fruit furniture container
be made of wood|furniture toy building container vehicle
be too expensive|thing food animal building
be new|thing building
be open|container building furniture paper place
be closed|container building furniture paper place
be fresh|food drink plant
be sweet|food drink person animal
be ripe|fruit
be delicious|food drink
be still hot|food drink device
be interesting|paper person place animal
be funny|paper person animal
be very quiet|person animal place room building device
be far away|place building person animal vehicle
be crowded|place building vehicle room
be fast|vehicle animal person
be soft|toy furniture clothes food animal
be red|thing food plant
smile|person
laugh|person
cry|person animal
go home|person animal
fall asleep|person animal
want to go home|person animal
feel better|person animal
run away|person animal
want to play|person animal
bark|dog
sing|person bird
swim|person animal
fly away|bird
fall on the floor|thing food person animal
break|toy container vehicle furniture device tool
stop working|device vehicle
taste good|food drink
smell nice|food drink plant person
grow quickly|plant person animal
"""

# Irregular and other verb forms used by predicates: base | past | 3rd singular
VERB_FORMS = """
smile|smiled|smiles
laugh|laughed|laughs
cry|cried|cries
go|went|goes
fall|fell|falls
want|wanted|wants
feel|felt|feels
run|ran|runs
bark|barked|barks
sing|sang|sings
swim|swam|swims
fly|flew|flies
break|broke|breaks
stop|stopped|stops
taste|tasted|tastes
smell|smelled|smells
grow|grew|grows
"""

# Possessed nouns: noun | kinds of owner it fits | number
POSSESSED = """
hat|person|sg
bag|person|sg
book|person|sg
bike|person|sg
phone|person|sg
coat|person|sg
shoes|person|pl
keys|person|pl
car|person|sg
dog|person|sg
cat|person|sg
horse|person|sg
house|person|sg
room|person|sg
toys|person animal|pl
ball|person animal|sg
cup|person|sg
friend|person animal|sg
mother|person animal|sg
father|person|sg
sister|person|sg
brother|person|sg
teacher|person|sg
son|person|sg
daughter|person|sg
wife|person|sg
husband|person|sg
children|person|pl
friends|person animal|pl
tail|animal|sg
food|person animal|sg
bed|person animal|sg
eyes|person animal|pl
legs|person animal furniture|pl
wheels|vehicle|pl
door|vehicle building furniture|sg
windows|vehicle building|pl
roof|building vehicle|sg
leaves|plant|pl
lid|container|sg
handle|container tool door|sg
pages|paper|pl
name|person animal place building|sg
color|thing animal plant|sg
"""


def _kinds(s: str) -> frozenset:
    return frozenset(s.split())


def _table(s: str):
    return [line.split("|") for line in s.strip().splitlines() if line.strip()]


def build():
    words: list[Word] = []
    for sg, pl, g, extra in _table(PEOPLE):
        words.append(Word(f"en:{sg}", "en", sg, g, _kinds("person " + extra), plural=pl))
    for n in NAMES_F.split():
        words.append(Word(f"en:{n}", "en", n, "f", _kinds("person name"), proper=True))
    for n in NAMES_M.split():
        words.append(Word(f"en:{n}", "en", n, "m", _kinds("person name"), proper=True))
    for sg, pl, k in _table(ANIMALS):
        words.append(Word(f"en:{sg}", "en", sg, "n", _kinds("animal " + k), plural=pl))
    for sg, pl, k in _table(THINGS):
        words.append(Word(f"en:{sg}", "en", sg, "n", _kinds("thing " + k), plural=pl))
    for sg, pl, k in _table(FOODS):
        words.append(Word(f"en:{sg}", "en", sg, "n", _kinds("food " + k), plural=pl or None))
    for sg, k in _table(PLACES):
        words.append(Word(f"en:{sg}", "en", sg, "n", _kinds("place " + k)))
    return words


SURNAME_LIST = SURNAMES.split()
VERB_TABLE = [(b, p, s, _kinds(subj), None if obj == "*" else _kinds(obj)) for b, p, s, subj, obj in _table(VERBS)]
PRED_TABLE = [(vp, None if k == "*" else _kinds(k)) for vp, k in _table(PREDICATES)]
VERB_FORM_TABLE = {b: (p, s) for b, p, s in _table(VERB_FORMS)}
POSSESSED_TABLE = [(n, _kinds(k), num == "pl") for n, k, num in _table(POSSESSED)]

# Function words and other words the templates use, so the vocabulary can be checked.
ADJECTIVES = {
    "person": "little old young tall kind brave happy tired".split(),
    "animal": "little big old young small brown white black funny".split(),
    "food": "big small fresh red green".split(),
    "thing": "big small old new red blue green white black".split(),
}
