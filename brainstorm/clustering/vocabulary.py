"""A small curated vocabulary of the Dutch education field: abbreviations and spellings.

People in one brainstorm write the same thing in different ways: "wpb'ers" and
"werkplekbegeleiders", "zij instromers" and "zij-instromers", "tekort aan leraren" and
"lerarentekort", "po" and "basisonderwijs", "AI" and "kunstmatige intelligentie", and now and
then in English ("teachers need more time"). Each line below names one term of the field and
the ways it is written; a text that uses any of them also gets the term itself as a feature,
so those texts meet. General knowledge of the field, not phrases of any one session: add
lines when a field's abbreviation is missing, never to steer one data set.

Variants are matched on stems (so plurals and inflections match too) and may be phrases;
phrases are matched on the whole token sequence, stop words included ("tekort aan leraren").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# term: variants (comma-separated). The term is written as one word, as the field writes it.
# Abbreviations, acronyms and spellings of one term.
_ABBREVIATIONS = """
    werkplekbegeleider: wpb, wpb'er, wpber, wpb-er, werkplek begeleider, werkplekbegeleiding
    internbegeleider: ib'er, iber, ibber, ib-er, intern begeleider
    lio: leraar in opleiding, lio-stage, lio-er
    zijinstromer: zij instromer, zij-instromer
    zijinstroom: zij instroom, zij-instroom
    lerarentekort: tekort aan leraren, leraren tekort, tekort aan docenten, docententekort,
        tekort aan leerkrachten, leerkrachtentekort
    samenopleiden: samen opleiden, so&p, so p, opleiden in de school
    rato: regio's voor de arbeidsmarkt van de toekomst
    po: primair onderwijs, basisonderwijs, basisschool
    vo: voortgezet onderwijs, middelbare school, middelbaar onderwijs, vmbo, havo, vwo
    mbo: middelbaar beroepsonderwijs, roc, beroepsonderwijs
    hbo: hoger beroepsonderwijs, hogeschool
    wo: wetenschappelijk onderwijs, universiteit
    speciaalonderwijs: speciaal onderwijs, sbo, vso, speciaal basisonderwijs
    pabo: pedagogische academie, lerarenopleiding basisonderwijs
    evc: erkenning van verworven competenties, evc-procedure
    pdg: pedagogisch didactisch getuigschrift, pedagogisch-didactisch getuigschrift
    npo: nationaal programma onderwijs
    nro: nationaal regieorgaan onderwijsonderzoek
    nt2: nt, nederlands als tweede taal
    plg: professionele leergemeenschap
    ocw: ministerie van onderwijs, minister van onderwijs
    cao: collectieve arbeidsovereenkomst
    ict: informatie- en communicatietechnologie
    ai: ki, kunstmatige intelligentie, artificiële intelligentie, genai, chatgpt, chat gpt,
        copilot, taalmodel
"""

# One role of the field under its several names.
_ROLES = """
    leraar: leerkracht, docent, onderwijzer
    schoolleider: schooldirecteur, directeur
    starter: startende leraar, beginnende leraar, startende docent, beginnende docent,
        startende leerkracht, beginnende leerkracht
"""

# English field terms Dutch teacher-education people use in a Dutch sentence or write a whole
# sentence in: names of roles, sectors and the field's own concepts. Ordinary English words
# that merely translate a Dutch one ("time", "money", "research", "skills") are left out on
# purpose: they are no knowledge of the field, and a list of them steers towards whatever
# themes its writer had in mind.
_ENGLISH = """
    leraar: teacher, teaching staff
    schoolleider: school leader, principal, headteacher, head teacher, school director
    middenmanagement: middle management, middle manager
    lerarenopleider: teacher educator
    starter: new teacher, beginning teacher, starting teacher, novice teacher,
        early career teacher
    inductie: induction
    zijinstromer: career switcher, career changer, side entrant
    lerarentekort: teacher shortage
    werkdruk: workload
    professionalisering: professional development, continuing professional development, cpd
    ai: artificial intelligence
    zorgleerling: special needs, special educational needs
    inclusie: inclusion, inclusive education
    vakkennis: subject knowledge, content knowledge
    vakdidactiek: subject didactics, subject pedagogy
    didactiek: didactics
    geletterdheid: literacy, digital literacy
    gecijferdheid: numeracy
    leiderschap: school leadership, educational leadership
    lerarenopleiding: teacher training, teacher education
    behoud: teacher retention
    uitval: teacher attrition
    onderzoek: practice-based research, educational research, action research
    po: primary education, primary school
    vo: secondary education, secondary school
    mbo: vocational education
    hbo: higher education
"""


def _parse(source: str) -> list[tuple[str, list[str]]]:
    entries: list[tuple[str, list[str]]] = []
    term: str | None = None
    variants: list[str] = []
    for raw in source.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if ":" in line:
            if term is not None:
                entries.append((term, variants))
            term, rest = (part.strip() for part in line.split(":", 1))
            variants = []
        else:
            rest = line
        variants += [variant.strip() for variant in rest.split(",") if variant.strip()]
    if term is not None:
        entries.append((term, variants))
    return entries


ENTRIES: list[tuple[str, list[str]]] = _parse(_ABBREVIATIONS + _ROLES + _ENGLISH)


@dataclass(frozen=True)
class Vocabulary:
    """Variant stem sequences -> the term they stand for, matched in a text's token stems."""

    phrases: dict[tuple[str, ...], str]  # stems of a variant (one or more words) -> term
    starts: dict[str, list[int]]  # first stem of a variant -> its lengths, longest first

    def terms(self, stems: Sequence[str]) -> list[tuple[str, int, int]]:
        """Return (term, first, end) for each term found in a text, given as the stems of all
        its tokens in order; tokens first..end-1 spell it.

        A term is found at most once per text; where phrases overlap the longest wins.
        """
        found: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        position = 0
        while position < len(stems):
            lengths = self.starts.get(stems[position])
            if lengths:
                for length in lengths:
                    term = self.phrases.get(tuple(stems[position : position + length]))
                    if term is not None:
                        if term not in seen:
                            seen.add(term)
                            found.append((term, position, position + length))
                        position += length
                        break
                else:
                    position += 1
            else:
                position += 1
        return found


def build_vocabulary(
    tokenise: Callable[[str], list[str]], stem: Callable[[str], str]
) -> Vocabulary:
    """Return the vocabulary with every variant tokenised and stemmed as texts are."""
    phrases: dict[tuple[str, ...], str] = {}
    for term, variants in ENTRIES:
        for variant in variants:
            key = tuple(stem(token) for token in tokenise(variant))
            if key:
                phrases[key] = term
    starts: dict[str, set[int]] = {}
    for key in phrases:
        starts.setdefault(key[0], set()).add(len(key))
    return Vocabulary(
        phrases=phrases,
        starts={first: sorted(lengths, reverse=True) for first, lengths in starts.items()},
    )
