"""The topic grid on the real e5 model: the issue's organisation, written as people would write it.

The same seeded 10 topics × 12 providers as `topic_grid.py` (3 experts, 3 over-claimers,
3 hidden experts, 2 decliners, 1 newcomer per topic; capacity 2), but every statement and
request is a Finnish, Swedish or English sentence, encoded by the configured e5 behind the
embedding cache, and ranked with the production weights (language correction on,
`related_share` at its e5 default). This is what a check through the public API sees: an
organisation of 120, where a hidden expert's vague line has a dozen rivals rather than the
demo's hundreds, and the ranking's thresholds are e5's own.

Hidden experts write what someone who undersells a skill would: two a line that leans on the
topic ("Taulukot ja numerot sujuvat minulta" for Excel), one only its domain ("Tietokoneet ja
tietotekniikka ovat minulle tuttuja", which fits Excel and printers alike).
"""

from __future__ import annotations

from pathlib import Path

from matcher.evaluation.demo_scenario import demo_encoder, fresh_cache
from matcher.evaluation.scenario import Scenario
from matcher.evaluation.topic_grid import CAPACITY, GRID_RATE, ROLES, GridTexts, grid_people, topics
from matcher.matching.weights import RankingWeights

E5_GRID_TEXTS = GridTexts(
    declared={
        "excel": [
            "Excel: pivot-taulukot, kaavat ja makrot",
            "Autan kollegoita Excelin kanssa",
            "Experienced with Excel formulas and pivot tables",
            "Jag hjälper gärna till med Excel och pivottabeller",
        ],
        "printers": [
            "Tulostimien ja skannereiden vianetsintä ja asennus",
            "I fix printer and scanner problems for colleagues",
            "Osaan asentaa verkkotulostimet ja korjata paperitukokset",
            "Jag löser problem med skrivare och skannrar",
        ],
        "wounds": [
            "Haavanhoito: painehaavat, säärihaavat ja sidokset",
            "I am a wound care nurse and help with difficult wounds",
            "Sårvård och val av förband",
            "Konsultoin vaikeiden haavojen hoidossa",
        ],
        "insulin": [
            "Insuliinihoidon ohjaus ja verensokerin seuranta",
            "I teach patients to use insulin pens",
            "Diabetesvård och insulinbehandling",
            "Ohjaan diabeetikoita insuliinin pistämisessä",
        ],
        "arabic": [
            "Puhun arabiaa äidinkielenäni ja voin tulkata",
            "Arabic speaker, I interpret for clients",
            "Jag talar arabiska flytande och kan tolka",
            "Tulkkaan ja käännän arabiaa",
        ],
        "somali": [
            "Puhun somalia ja voin tulkata asiakastilanteissa",
            "Somali speaker, I help Somali-speaking families",
            "Jag talar somaliska och kan tolka",
            "Käännän tekstejä somaliksi",
        ],
        "invoices": [
            "Ostolaskujen käsittely ja tiliöinti",
            "I handle invoices and know the finance system",
            "Fakturahantering och kontering",
            "Autan laskujen tarkastamisessa ja hyväksymisessä",
        ],
        "rosters": [
            "Työvuorosuunnittelu ja työaikalain säännöt",
            "I plan shift rosters for our unit",
            "Jag gör arbetsscheman och turlistor",
            "Autan työvuorolistojen laatimisessa",
        ],
        "mindfulness": [
            "Ohjaan mindfulness- ja rentoutusharjoituksia",
            "I lead mindfulness sessions for teams",
            "Jag leder mindfulnessövningar för arbetsgrupper",
            "Stressinhallinta ja hengitysharjoitukset työyhteisölle",
        ],
        "ergonomics": [
            "Työpisteiden ergonomia ja hyvät työasennot",
            "I advise colleagues on workstation ergonomics",
            "Ergonomi och arbetsställningar vid skrivbordet",
            "Ohjaan taukojumppaa ja neuvon työpisteen säädöissä",
        ],
    },
    overclaims={
        "excel": [
            "Excel-asiantuntija, hallitsen kaikki Excelin toiminnot",
            "Expert in Excel, advanced level",
            "Ratkaisen minkä tahansa Excel-ongelman",
        ],
        "printers": [
            "Tulostinasiantuntija, korjaan kaikki laitteet",
            "Printer specialist, I can fix any device",
            "Expert på alla skrivare och kopiatorer",
        ],
        "wounds": [
            "Haavanhoidon asiantuntija, hoidan kaikki haavat",
            "Wound care expert, all wound types",
            "Expert på all sårvård",
        ],
        "insulin": [
            "Diabetesasiantuntija, osaan kaiken insuliinihoidosta",
            "Diabetes specialist, expert in all insulin therapy",
            "Expert på diabetes och insulin",
        ],
        "arabic": [
            "Arabian kielen asiantuntija, tulkkaan kaikissa tilanteissa",
            "Fluent in Arabic, professional interpreter level",
            "Expert på arabiska, tolkar allt",
        ],
        "somali": [
            "Somalin kielen asiantuntija, tulkkaan sujuvasti kaikkea",
            "Fluent Somali interpreter, any situation",
            "Expert på somaliska, tolkar allt",
        ],
        "invoices": [
            "Laskutuksen asiantuntija, hallitsen kaikki taloushallinnon asiat",
            "Invoicing expert, any finance question",
            "Expert på all fakturering",
        ],
        "rosters": [
            "Työvuorosuunnittelun asiantuntija, ratkaisen kaikki vuoro-ongelmat",
            "Rostering expert, advanced level",
            "Expert på all schemaläggning",
        ],
        "mindfulness": [
            "Mindfulness-ohjaaja ja stressinhallinnan asiantuntija",
            "Certified mindfulness expert, all techniques",
            "Expert på mindfulness och meditation",
        ],
        "ergonomics": [
            "Ergonomian asiantuntija, ratkaisen kaikki tuki- ja liikuntaelinvaivat",
            "Ergonomics expert, advanced level",
            "Expert på all ergonomi",
        ],
    },
    hints={
        "excel": [
            "Taulukot ja numerot sujuvat minulta",
            "I like working with spreadsheets and numbers",
            "Gillar att jobba med siffror och tabeller",
        ],
        "printers": [
            "Laitteet ja tekniikka kiinnostavat minua",
            "I'm handy with office gadgets",
            "Jag är händig med apparater",
        ],
        "wounds": [
            "Ihon hoito ja hygienia ovat minulle tärkeitä",
            "I'm careful with skin care for bedridden patients",
            "Jag har god hand med hudvård",
        ],
        "insulin": [
            "Pitkäaikaissairauksien seuranta kotihoidossa",
            "I help patients manage their medication at home",
            "Erfarenhet av kroniska sjukdomar hos äldre",
        ],
        "arabic": [
            "Olen asunut useita vuosia Lähi-idässä",
            "I grew up in North Africa",
            "Jag har bott flera år i Mellanöstern",
        ],
        "somali": [
            "Olen asunut Itä-Afrikassa",
            "My family comes from the Horn of Africa",
            "Jag har bott i Östafrika",
        ],
        "invoices": [
            "Numerot ja paperityöt sujuvat minulta",
            "I keep track of our unit's budget",
            "Jag är noggrann med siffror och papper",
        ],
        "rosters": [
            "Kalenterit ja aikataulut pysyvät hallussani",
            "I'm organised and good with calendars",
            "Jag är bra på att planera tider",
        ],
        "mindfulness": [
            "Harrastan joogaa ja meditaatiota",
            "I do yoga and breathing exercises in my free time",
            "Jag är lugn och kan lugna andra",
        ],
        "ergonomics": [
            "Hyvä ryhti ja liikunta ovat minulle tärkeitä",
            "I'm into fitness and good posture",
            "Jag tränar mycket och tänker på hållningen",
        ],
    },
    domain_lines={
        "computers": ["Tietokoneet ja tietotekniikka ovat minulle tuttuja", "I'm comfortable with computers and IT"],
        "nursing": ["Hoitotyö on minulle tuttua monelta kantilta", "Broad experience in nursing"],
        "languages": ["Puhun useita kieliä", "I speak several languages"],
        "administration": ["Hallinnolliset tehtävät sujuvat minulta", "Experienced with office administration"],
        "wellbeing": ["Työhyvinvointi on minulle sydämen asia", "I care about wellbeing at work"],
    },
    hobbies=[
        "Laulan kuorossa",
        "Hiihdän talvisin",
        "I bake bread at weekends",
        "Pelaan lautapelejä",
        "Jag skådar fåglar",
    ],
    requests={
        "excel": [
            "tarvitsen apua Excelin pivot-taulukoiden kanssa",
            "Kuka osaa tehdä Excel-makron raportin automatisointiin?",
            "help with Excel formulas and pivot tables",
            "behöver hjälp med pivottabeller i Excel",
            "Excel-taulukon kaavat eivät toimi, kuka auttaisi?",
            "can someone show me how to use VLOOKUP in Excel?",
        ],
        "printers": [
            "tulostin ei toimi, kuka osaa korjata?",
            "the printer on our ward keeps jamming, who can help?",
            "skrivaren skriver inte ut, vem kan hjälpa?",
            "Kuka osaa asentaa verkkotulostimen kannettavaan?",
            "need help connecting the scanner to my laptop",
            "skanneri ei lähetä sähköpostiin, kuka auttaisi?",
        ],
        "wounds": [
            "tarvitsen konsultaatiota vaikean haavan hoitoon",
            "who can advise on a pressure ulcer dressing?",
            "behöver råd om sårvård för ett trycksår",
            "Kuka osaa valita oikean sidoksen säärihaavaan?",
            "Asiakkaan painehaava ei parane, kuka voisi auttaa?",
            "need help assessing a leg ulcer",
        ],
        "insulin": [
            "Kuka voisi ohjata diabeetikkoa insuliinin pistämisessä?",
            "who could teach a patient to use an insulin pen?",
            "behöver hjälp att lära en patient att ta insulin",
            "Tarvitsen apua verensokerin mittaamisen opettamiseen",
            "question about insulin doses for a home care client",
            "vem kan förklara blodsockermätning för en ny kollega?",
        ],
        "arabic": [
            "asiakas puhuu vain arabiaa, kuka voisi tulkata?",
            "we need someone who speaks Arabic for a client meeting",
            "behöver någon som talar arabiska med en klient",
            "Tarvitsen arabiankielentaitoisen työkaverin kotikäynnille",
            "can someone translate a letter into Arabic?",
            "Kuka osaa kääntää ohjeen arabiaksi?",
        ],
        "somali": [
            "asiakas puhuu somalia, kuka voisi tulkata?",
            "we need a Somali speaker for a family meeting",
            "behöver någon som talar somaliska",
            "Tarvitsen somalinkielisen työkaverin neuvolakäynnille",
            "can someone help a Somali-speaking client fill in a form?",
            "Kuka osaa kääntää tiedotteen somaliksi?",
        ],
        "invoices": [
            "Kuka osaa käsitellä ostolaskut uudessa järjestelmässä?",
            "help with approving invoices in the finance system",
            "behöver hjälp med fakturagranskning",
            "Laskun tiliöinti on epäselvä, kuka auttaisi?",
            "who knows how to handle a supplier invoice dispute?",
            "Tarvitsen apua laskutuksen kanssa",
        ],
        "rosters": [
            "Kuka osaa tehdä työvuorolistan uudessa järjestelmässä?",
            "need help planning the shift roster for next month",
            "behöver hjälp med arbetsschemat",
            "Työvuorosuunnittelu takkuaa, kuka auttaisi?",
            "who can explain the rules for night shift rotations?",
            "vem kan hjälpa till med turlistor?",
        ],
        "mindfulness": [
            "tiimimme kaipaa stressinhallintaa, voisiko joku vetää mindfulness-harjoituksen?",
            "could someone lead a mindfulness session for our stressed team?",
            "vem kan leda en mindfulnessövning för vår arbetsgrupp?",
            "Kuka voisi ohjata rentoutus- ja hengitysharjoituksia henkilökunnalle?",
            "looking for someone to teach breathing exercises",
            "Tarvitsemme meditaatiohetken tiimipäivään",
        ],
        "ergonomics": [
            "Kuka voisi tarkistaa työpisteeni ergonomian?",
            "who can advise on a good sitting posture at the computer?",
            "behöver råd om ergonomi vid skrivbordet",
            "Selkä kipeytyy työpisteellä, kuka osaisi neuvoa?",
            "need help setting up a standing desk properly",
            "Tarvitsemme taukojumppaa ja ergonomianeuvontaa tiimille",
        ],
    },
    languages=("fi", "sv", "en"),
)


def build_e5_grid(seed: int, *, run_days: float, cache_dir: Path | None = None) -> Scenario:
    """The seeded grid in real sentences on e5; without `cache_dir` texts go into a fresh cache."""
    people = grid_people(seed, run_days=run_days, texts=E5_GRID_TEXTS)
    per_topic = ", ".join(f"{n} {kind}" for kind, n in ROLES)
    return Scenario(
        name="grid-e5",
        people=people,
        topics=topics(),
        topic_weights={t: 1.0 / len(topics()) for t in topics()},
        phrasings=E5_GRID_TEXTS.requests,
        make_encoder=lambda: demo_encoder(cache_dir or fresh_cache()),
        ranking=RankingWeights(),
        plain_claims=E5_GRID_TEXTS.declared,
        requests_per_day=GRID_RATE,
        help_days=(1.0, 5.0),
        description=(
            f"topic grid on e5: {len(topics())} topics × {len(people) // len(topics())} providers ({per_topic} "
            f"per topic), capacity {CAPACITY}, Finnish, Swedish and English; the real e5 model"
        ),
    )
