"""Demodata voor `flask seed-demo`: de brainstormsessie over Samen Opleiden in de RATO's."""

DEMO_EVENT = {
    "title": "Brainstormsessie RATO",
    "description": (
        "Op basis van het advies ‘Kinderen eerst’ van Asscher hebben de sectorraden, de vakbonden "
        "en het ministerie van OCW een werkplan opgesteld voor de vorming van RATO's: Regio's "
        "voor de Arbeidsmarkt van de Toekomst van het Onderwijs. Bestaande regionale "
        "samenwerkingsverbanden worden daarin verder versterkt, met bindende afspraken over de "
        "aanpak van het personeelstekort. Het geld komt uit de regelingen Regionale Aanpak "
        "Personeelstekort (RAP), waarvan de bekostiging duurzaam wordt, en Samen Opleiden."
        "\n\n"
        "Ook de ambitie om alle leraren op te leiden volgens de systematiek van het Samen "
        "Opleiden krijgt een regionale uitwerking: opleidingen en scholen stemmen in de regio "
        "nauw af wat er in elke fase van de beroepsontwikkeling aan bod komt. Dat heeft gevolgen "
        "voor de partnerschappen Samen Opleiden & Professionaliseren, die in deze nieuwe "
        "structuur hun plek moeten vinden."
        "\n\n"
        "In deze online brainstorm brengen we met programmaleiders van partnerschappen po, vo en "
        "mbo in kaart welke vraagstukken er bij het samen opleiden spelen in de verdere "
        "vormgeving van de RATO's. We clusteren en ordenen de opbrengst, geven er samen "
        "verdieping aan en geven de uitkomsten mee aan OCW, de vakorganisaties en de sectorraden. "
        "Zo werken we aan een stevige positie van de partnerschappen en aan blijvende aandacht "
        "voor de kwaliteit van samen opleiden en professionaliseren."
    ),
    "location": "Online via MS Teams",
    "start": "15:30",
    "end": "17:00",
    "agenda": [
        ("15:30", "15:35", "Welkom"),
        ("15:35", "15:45", "Inleiding door het Platform Samen Opleiden & Professionaliseren"),
        ("15:45", "16:00", "Praktijkvoorbeeld 1: een partnerschap po op weg naar de RATO"),
        ("16:00", "16:15", "Praktijkvoorbeeld 2: SO&P en RAP samen aan tafel in vo en mbo"),
        ("16:15", "16:40", "Deelsessies"),
        ("16:40", "16:55", "Delen opbrengsten"),
        ("16:55", "17:00", "Afsluiting"),
    ],
}

DEMO_SESSION_TITLE = "Vraagstukken Samen Opleiden in de RATO's"

DEMO_IDEAS = (
    (
        "Wie beslist er straks eigenlijk in de RATO: de schoolbesturen, de sectorraden of het "
        "partnerschap? Voor ons is dat nog totaal onduidleijk."
    ),
    (
        "Hoe voorkomen we dat zij-instromers na een half jaar afhaken omdat werk, studie en gezin "
        "samen gewoon niet te doen zijn?"
    ),
    (
        "bekostiging moet echt duurzaam worden. nu moeten we elk jaar opnieuw aanvragen en weten "
        "we pas in het voorjaar waar we aan toe zijn"
    ),
    (
        "Onze werkplekbegeleiders doen het er nu 'even bij'. Zonder uren in de normjaartaak houdt "
        "dat geen stand."
    ),
    (
        "Hoe borgen we de inductie van startende leraren als ons partnerschap straks opgaat in "
        "een veel grotere regio?"
    ),
    (
        "De rol van het partnerschap in de RATO moet expliciet worden vastgelegd, anders worden "
        "we een uitvoeringsclubje van het RAP"
    ),
    (
        "Gaan de regelingen RAP en Samen Opleiden op in één geldstroom, of houden we twee "
        "regelingen met elk hun eigen voorwaarden en deadlines?"
    ),
    (
        "Selectie van zij-instromers: wie doet straks het geschiktheidsonderzoek, de school of de "
        "opleiding? Nu gebeurt het soms dubbel en soms valt het tussen wal en schip."
    ),
    "Tijd!! werkplekbegeleiders hebben gewoon geen tijd om goed te begeleiden",
    (
        "regio-indeling RATO sluit niet aan bij onze partnerschapsregio, wij zitten met scholen "
        "in twee RAP-regio's. hoe dan?"
    ),
    (
        "Graag één manier van verantwoorden voor RAP en SO&P in plaats van twee aparte "
        "rapportages met elk andere indicatoren."
    ),
    (
        "Zij-instromers in het mbo hebben vaak veel vakkennis maar weinig didactiek. De "
        "begeleding moet daar veel beter op aansluiten."
    ),
    (
        "Professionalisering van schoolopleiders en werkplekbegeleiders: komt er een gezamenlijk "
        "regionaal aanbod of blijft iedere school het zelf regelen?"
    ),
    (
        "De verschillen tussen po, vo en mbo zijn groot. Eén aanpak voor alle sectoren gaat "
        "voorbij aan de eigen cultuur van het mbo."
    ),
    (
        "Wat betekent 'bindende afspraken' precies? Kan een bestuur dat niet meedoet daar ergens "
        "op aangesproken worden?"
    ),
    (
        "Er is geen structureel geld voor de begeleiding van zij-instromers, alleen de subsidie "
        "per persoon. Die dekt bij lange na niet de werkelijke kosten: de vrijroostering van de "
        "begeleider, de vervanging als de zij-instromer naar de opleiding moet en de extra "
        "coördinatie op school."
    ),
    (
        "uitval onder zij-instromers is bij ons ruim 30%. Waarom weten we eigenlijk zo weinig "
        "over de redenen?"
    ),
    (
        "Goede werkplekbegeleiders zijn vaak ook je beste leraren, en die wil je juist voor de "
        "klas. Hoe los je dat dilemma op?"
    ),
    "Wie zit er namens het partnerschap aan tafel bij de RATO?",
    (
        "Hoe voorkomen we dat het geld voor Samen Opleiden in de RATO opgaat aan "
        "wervingscampagnes in plaats van aan de kwaliteit van het opleiden?"
    ),
    (
        "we hebben geen goede data over hoeveel studenten na hun opleiding in de regio blijven "
        "werken. monitoring moet echt beter"
    ),
    (
        "zij-instromers hebben echt een vaste studiedag nodig, nu studeren ze s avonds en in het "
        "weekend"
    ),
    (
        "Kwaliteitseisen voor werkplekbegeleiders: moet iedereen straks een basistraining "
        "begeleiden gevolgd hebben? En wie betaalt die?"
    ),
    (
        "In onze regio lopen nu al drie overlegtafels: het partnerschap, het RAP en de regionale "
        "onderwijstafel met de gemeente. Als de RATO daar nog bij komt zonder dat er iets "
        "verdwijnt, haken bestuurders af. Graag eerst ontvlechten voordat we iets nieuws bouwen."
    ),
    (
        "Vanuit HR: hoe selecteer je zorgvuldig als je tegelijk elke kandidaat hard nodig hebt? "
        "De druk om iedereen aan te nemen is groot."
    ),
    (
        "Als de RAP-bekostiging duurzaam wordt, gaat de subsidie Samen Opleiden dan ook "
        "structureel worden? Of blijft dat een tijdelijke regeling?"
    ),
    (
        "Startende leraren krijgen in het vo vaak meteen een volle baan en de lastigste klassen. "
        "Een goed inductieprogramma zou in alle regionale afspraken moeten staan."
    ),
    (
        "Schoolopleiders krijgen bij ons 4 uur per week, werkplekbegeleiders niks. Dat verschil "
        "is niet uit te leggen aan de collega's die het werk doen."
    ),
    (
        "hoe houden we het mbo aan tafel in de RATO-overleggen? in onze regio domineren po en vo "
        "het gesprek"
    ),
    (
        "zij-instroom po: twee jaar studeren naast een baan van 0,6 fte en een gezin is voor veel "
        "mensen gewoon te zwaar"
    ),
    "De verantwoording kost ons nu meer tijd dan het begeleiden zelf.",
    (
        "Moet ieder partnerschap straks aansluiten bij precies één RATO? Sommige opleidingen "
        "leveren studenten aan vijf regio's."
    ),
    (
        "In het mbo zijn begeleiders vaak docenten uit de beroepspraktijk die zelf geen "
        "lerarenopleiding hebben gedaan. Hoe professionaliseer je hen tot goede "
        "werkplekbegeleider?"
    ),
    (
        "lerarentekort verschilt enorm per regio en per vak, een landelijk streefcijfer zegt ons "
        "weinig"
    ),
    (
        "Wie is er eigenlijk verantwoordelijk voor de begeleiding van een zij-instromer: de "
        "school, de opleiding of het partnerschap?"
    ),
    (
        "geld voor begeleiding moet terechtkomen bij de school waar de student of zij-instromer "
        "echt rondloopt en niet blijven hangen op het bestuursbureau"
    ),
    (
        "Stellen we als partnerschap straks nog zelf ons opleidingsplan vast, of gebeurt dat in "
        "de RATO?"
    ),
    "Hoe meet je eigenlijk de kwaliteit van werkplekbegeleiding?",
    (
        "Graag een landelijke harmonisatie van het geschiktheidsonderzoek, elke opleiding doet "
        "het nu weer anders."
    ),
    (
        "Welke gegevens gaan we binnen de regio delen over instroom, uitval en doorstroom van "
        "studenten? En mag dat eigenlijk wel ivm de AVG?"
    ),
    (
        "Kunnen we de subsidieregeling Samen Opleiden meerjarig maken, minimaal 4 jaar? Anders "
        "kun je nooit iemand in vaste dienst nemen voor de begeleiding."
    ),
    (
        "Wie bewaakt in de RATO dat de kwaliteit van het samen opleiden niet ondersneeuwt door "
        "alle aandacht voor de aantallen?"
    ),
    (
        "Veel zij-instromers starten midden in het schooljaar, maar ons opleidingsprogramma "
        "begint gewoon in september. Daardoor zitten ze maanden zonder goede begeleiding en "
        "zonder aansluiting bij een groep. Kan de instroom flexibeler, met meerdere startmomenten "
        "per jaar?"
    ),
    (
        "Werkplekbegeleiders willen zelf ook leren en intervsie hebben. Kunnen we dat regionaal "
        "organiseren, bv in een leernetwerk?"
    ),
    (
        "Zit het ministerie van OCW straks zelf aan tafel bij de RATO, of alleen de sectorraden "
        "en de bonden?"
    ),
    (
        "Wat gebeurt er met onze lopende subsidie als de regio-indeling verandert? Moeten we dan "
        "terugbetalen??"
    ),
    (
        "zij-instromers voelen zich vaak geen student en ook nog geen collega. hoe geven we ze "
        "een echte plek in het team"
    ),
    (
        "In de praktijk is de werkplekbegeleider ook nog mentor, teamleider en roostermaker. "
        "Ontlasten is echt nodig."
    ),
    (
        "Wordt de RATO een rechtspersoon, een convenant of gewoon een overleg? Dat bepaalt nogal "
        "wie er moet tekenen en wie aanspreekbaar is."
    ),
    (
        "Hoe voorkom je dat scholen in de Randstad en in krimpregio's elkaar gaan beconcurreren "
        "om dezelfde studenten?"
    ),
    (
        "Hoeveel overhead mag er van de middelen af voor coördinatie? Bij ons gaat nu al snel 15% "
        "naar projectleiding en secretariaat."
    ),
    (
        "Lio'ers draaien vaak volledig mee, maar de begeleider heeft er maar 1 uur per week voor. "
        "Dat is te weinig voor goede feedback."
    ),
    (
        "Zij-instromers die al jaren als onbevoegde docent voor de klas staan: hoe tellen we die "
        "ervaring mee? EVC wordt nog nauwelijks benut."
    ),
    (
        "Hoe blijven de goede dingen van ons partnerschap overeind als er straks ineens veel meer "
        "partijen aan tafel zitten?"
    ),
    (
        "pabo-studenten in de deeltijd vallen bij ons buiten de regeling, terwijl ze wel begeleid "
        "worden op school. Wie betaalt dat?"
    ),
    (
        "Kan er een regionaal overzicht komen van gecertificeerde werkplekbegeleiders, zodat "
        "scholen weten wie er beschikbaar is en wie waarvoor geschoold is?"
    ),
    (
        "In het po is vaak de hele school opleidingsschool, in het vo soms maar één sectie. Hoe "
        "maak je regionale afspraken die voor allebei werken?"
    ),
    (
        "Wat doen we met zij-instromers die het geschiktheidsonderzoek niet halen, maar al wel "
        "een contract hebben getekend?"
    ),
    (
        "Wij denken na over functie-erkenning voor werkplekbegeleiders, met een eigen schaal. Hoe "
        "kijken andere partnerschappen daar tegenaan?"
    ),
    (
        "Wie stelt in de RATO vast hoeveel geld er naar de partnerschappen gaat en hoeveel naar "
        "RAP-activiteiten? Nu is dat bij ons een jaarlijkse onderhandeling."
    ),
)

DEMO_IDEA_THEMES = (
    "rato",
    "zij-instroom",
    "bekostiging",
    "werkplekbegeleiding",
    "overig",
    "rato",
    "bekostiging",
    "zij-instroom",
    "werkplekbegeleiding",
    "rato",
    "bekostiging",
    "zij-instroom",
    "werkplekbegeleiding",
    "overig",
    "rato",
    "bekostiging",
    "zij-instroom",
    "werkplekbegeleiding",
    "rato",
    "bekostiging",
    "overig",
    "zij-instroom",
    "werkplekbegeleiding",
    "rato",
    "zij-instroom",
    "bekostiging",
    "overig",
    "werkplekbegeleiding",
    "rato",
    "zij-instroom",
    "bekostiging",
    "rato",
    "werkplekbegeleiding",
    "overig",
    "zij-instroom",
    "bekostiging",
    "rato",
    "werkplekbegeleiding",
    "zij-instroom",
    "overig",
    "bekostiging",
    "rato",
    "zij-instroom",
    "werkplekbegeleiding",
    "rato",
    "bekostiging",
    "zij-instroom",
    "werkplekbegeleiding",
    "rato",
    "overig",
    "bekostiging",
    "werkplekbegeleiding",
    "zij-instroom",
    "rato",
    "bekostiging",
    "werkplekbegeleiding",
    "overig",
    "zij-instroom",
    "werkplekbegeleiding",
    "bekostiging",
)
