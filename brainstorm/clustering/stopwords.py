"""Dutch stop words: function words plus brainstorm words that carry no topic.

Entries are lower-case and without diacritics, because they are matched against folded tokens
(see ``text.fold``). Kept as a Python module so it ships with the package without package-data
configuration.
"""

# Articles, pronouns, prepositions, conjunctions, adverbs, auxiliary and modal verbs.
_FUNCTION_WORDS = """
    aan af al alle alleen allemaal alles als alsof altijd ander andere anderen anders beide
    ben bent bij bijna binnen boven buiten daar daaraan daarbij daardoor daarin daarmee
    daarna daarnaast daarom daarop daarover daartoe daarvan daarvoor dan dat de deze dezelfde
    die dit doch doe doen doet dus echter een eens eerder eigen elk elke en enige enkele er
    eraan erbij erdoor erg ergens erin ermee erna erop erover ervan ervoor even evenals
    gaan gaat gedaan geen gegaan geweest gij ging gingen had hadden hare heb hebben hebt heeft
    hem hen het hier hierbij hierdoor hierin hiermee hierna hierop hierover hiervan hiervoor
    hij hoe hoewel hun ieder iedere iedereen iemand iets ik in indien is ja je jij jou jouw
    jullie kan kon konden kun kunnen kunt laat later liever maar mag me meer mee men met mij
    mijn moest moesten moet moeten mocht mochten mogen na naar naast namelijk net niet niets
    noch nog nu of ofwel om omdat ondanks onder ons onze ooit ook op opdat over overal per
    reeds rond rondom sinds sommige steeds te tegen ten ter terwijl toch toe toen tot tussen
    u uit uw van vanaf vanuit veel via voor voordat vooral waar waaraan waarbij waardoor
    waarin waarmee waarom waarop waarover waarvan waarvoor wanneer want waren was wat we
    weer wel welk welke werd werden wie wij wil wilde wilden wilt word wordt worden zal ze
    zelf zelfs zich zij zijn zo zoals zodat zodra zonder zou zouden zowel zul zullen zult
    zo'n z'n m'n d'r 't 'n door elkaar zeer heel hele geheel ongeveer zulk zulke vaak soms
    nooit nogal mits tenzij totdat wegens behalve inmiddels alweer eveneens nadat vanwege
    volgens tijdens tegenover langs achter voorbij hierdoor zowat bovendien daarentegen
    enerzijds anderzijds meeste minder minst weinig vele velen enig enkel wiens wier dien
"""

# Words every brainstorm input uses whatever its subject: questions about questions, hedges
# and fillers. They would otherwise dominate labels such as "vraag hoe".
_DOMAIN_WORDS = """
    vraag vragen vraagje vraagstuk vraagstukken kwestie kwesties issue issues punt punten
    idee ideeen probleem problemen zaak zaken ding dingen manier manieren iets nodig
    graag eigenlijk gewoon echt misschien wellicht mogelijk belangrijk bijvoorbeeld bijv bv
    oa etc enz nou oke ok denk denken vind vinden zie zien weet weten krijg krijgen
    maak maakt maken kom komt komen blijft blijven zorgen goed goede beter betekenen betekent
    houden houdt
"""

# English input happens (a quoted policy term, an international participant); without its
# function words "the" and "of" would become a theme of their own.
_ENGLISH_WORDS = """
    a an and are as at be been but by can could do does for from has have how i if in into is
    it its not of on or our should so than that the their there these they this those to was
    we were what when where which who why will with would you your
"""

FUNCTION_WORDS: frozenset[str] = frozenset(_FUNCTION_WORDS.split() + _ENGLISH_WORDS.split())
DOMAIN_WORDS: frozenset[str] = frozenset(_DOMAIN_WORDS.split())
STOP_WORDS: frozenset[str] = FUNCTION_WORDS | DOMAIN_WORDS
