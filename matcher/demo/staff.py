"""Names, origins, units with their roles, and the hand-written hidden experts of the sample organisation.

Data only (used by `generate.py`); edit here, then regenerate `organisation.jsonl`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------------------- people

FI_FEMALE = (
    "Aino Anna Anne Anu Eeva Elina Emilia Hanna Heidi Helena Henna Iida Jaana Johanna Kaisa Katja Kirsi Laura "
    "Leena Liisa Maarit Marja Merja Minna Niina Noora Outi Päivi Pirjo Riikka Sanna Sari Satu Suvi Tiina Tuija "
    "Ulla Veera Kati Marika Hilkka Eija Seija Sirpa Mervi Jenni Essi Milla Pauliina Tanja Anniina Jonna Krista"
).split()
FI_MALE = (
    "Antti Ari Eero Esa Heikki Ilkka Jani Jari Juha Jukka Jussi Kari Lauri Markku Matti Mikko Olli Pasi Pekka "
    "Petri Sami Teemu Timo Toni Tuomas Ville Janne Aleksi Joonas Risto"
).split()
FI_SURNAMES = (
    "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen "
    "Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen "
    "Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Kettunen Hiltunen Leppänen Manninen Väisänen "
    "Miettinen Pesonen Hakala Kärkkäinen Ojala Peltonen Räsänen Toivonen Huttunen Partanen Pitkänen Kokkonen "
    "Anttila Kallio Honkanen Kauppinen Seppälä Moilanen Nurmi Mustonen Aaltonen Vainio Kemppainen Sirviö "
    "Tolonen Pakarinen Ikonen Rautio Hyvönen Lappalainen Koivisto"
).split()
SV_FEMALE = (
    "Annika Birgitta Camilla Cecilia Emma Fanny Frida Ida Jenny Karin Linnéa Maria Malin Sofia Susanne Ulrika "
    "Vivan Åsa Ebba Matilda Anna-Karin Louise"
).split()
SV_MALE = (
    "Anders Björn Christer Daniel Erik Fredrik Henrik Johan Kim Mikael Niklas Patrik Rasmus Stefan Tom Joakim"
).split()
SV_SURNAMES = (
    "Andersson Backman Blomqvist Eriksson Forsman Grönroos Holmström Hägglund Lindberg Lindqvist Lundström "
    "Nyberg Nyström Sjöberg Söderlund Westerlund Wikström Åkerlund Ekholm Strandberg Granholm Björkqvist "
    "Nordström Sundqvist Öhman Lönnqvist Mattsson Sandell Wiklund Björklund Hellström Enlund"
).split()


@dataclass(frozen=True)
class Origin:
    """People who moved to Finland: names, the languages they list, the language they mostly write."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]  # a "female|male" entry holds gendered forms
    languages: tuple[str, ...]
    writes: str  # "en" or "fi"
    mother_tongue: tuple[tuple[str, str], ...]  # (language, text): their own words about their languages


ORIGINS: dict[str, Origin] = {
    "tl": Origin(
        ("Maria", "Jocelyn", "Rowena", "Maricel", "Angelica"),
        ("Jose", "Ramon", "Mark"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Mendoza", "Villanueva"),
        ("tl", "en", "fi"),
        "en",
        (
            ("en", "Fluent in Tagalog, happy to support Filipino colleagues settling in Finland"),
            ("en", "Tagalog is my first language, I help new Filipino nurses with paperwork"),
            ("fi", "Puhun tagalogia ja englantia, suomea opiskelen joka päivä"),
        ),
    ),
    "ml": Origin(
        ("Priya", "Deepa", "Anju", "Reshma", "Jincy"),
        ("Arun", "Jibin"),
        ("Nair", "Thomas", "Varghese", "Joseph", "Kurian"),
        ("ml", "en", "fi"),
        "en",
        (
            ("en", "I speak Malayalam, Hindi and English fluently"),
            ("en", "Malayalam is my mother tongue and I am learning Finnish at B1 level"),
        ),
    ),
    "ne": Origin(
        ("Sita", "Anjali", "Sunita"),
        ("Bikash", "Ramesh"),
        ("Shrestha", "Gurung", "Thapa", "Tamang"),
        ("ne", "en", "fi"),
        "en",
        (
            ("en", "I speak Nepali and Hindi and can help Nepali-speaking patients"),
            ("en", "Nepali is my first language, happy to translate short texts"),
        ),
    ),
    "en": Origin(
        ("Sarah", "Rachel", "Hannah"),
        ("James", "Oliver", "Connor"),
        ("Clarke", "Walsh", "Murphy", "Hughes"),
        ("en", "fi"),
        "en",
        (
            ("en", "English is my mother tongue, I can proofread English texts"),
            ("en", "Native English speaker, happy to check translations and patient leaflets"),
        ),
    ),
    "es": Origin(
        ("Lucía", "Carmen"),
        ("Javier", "Diego"),
        ("Fernández", "López", "Martínez", "Romero"),
        ("es", "en", "fi"),
        "en",
        (
            ("en", "Spanish is my first language and I also speak Portuguese"),
            ("en", "I can help with Spanish-speaking patients and their families"),
        ),
    ),
    "ru": Origin(
        ("Olga", "Svetlana", "Natalia", "Irina"),
        ("Dmitri", "Sergei", "Aleksandr"),
        ("Ivanova|Ivanov", "Smirnova|Smirnov", "Petrova|Petrov", "Volkova|Volkov", "Kuznetsova|Kuznetsov"),
        ("ru", "fi", "en"),
        "fi",
        (
            ("fi", "Puhun venäjää äidinkielenäni ja autan venäjänkielisten asiakkaiden kanssa"),
            ("fi", "Venäjä on äidinkieleni, voin selittää hoito-ohjeet venäjäksi"),
            ("fi", "Käännän tarvittaessa lyhyitä tekstejä venäjäksi"),
        ),
    ),
    "et": Origin(
        ("Kadri", "Triin", "Kristiina"),
        ("Marko", "Tarmo"),
        ("Tamm", "Saar", "Kask", "Mägi", "Sepp"),
        ("et", "fi"),
        "fi",
        (
            ("fi", "Viro on äidinkieleni, autan tarvittaessa virolaisia asiakkaita"),
            ("fi", "Puhun viroa ja autan virolaisia työkavereita alkuun"),
        ),
    ),
    "uk": Origin(
        ("Oksana", "Yuliia", "Iryna"),
        ("Andrii", "Taras"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Melnyk"),
        ("uk", "ru", "fi"),
        "fi",
        (
            ("fi", "Puhun ukrainaa ja venäjää, voin auttaa Ukrainasta tulleita asiakkaita"),
            ("fi", "Ukraina on äidinkieleni, autan ukrainalaisia perheitä asioinnissa"),
        ),
    ),
    "so": Origin(
        ("Hodan", "Fadumo", "Amina"),
        ("Abdirahman", "Mohamed"),
        ("Hassan", "Farah", "Abdi", "Warsame"),
        ("so", "fi", "en"),
        "fi",
        (
            ("fi", "Somali on äidinkieleni, autan somalinkielisiä perheitä asioinnissa"),
            ("fi", "Puhun somalia ja tunnen somalialaista kulttuuria"),
        ),
    ),
    "fa": Origin(
        ("Maryam", "Zahra"),
        ("Reza", "Hamid"),
        ("Ahmadi", "Hosseini", "Karimi", "Rezaei"),
        ("fa", "fi", "en"),
        "fi",
        (
            ("fi", "Puhun persiaa ja daria, autan mielelläni asiakkaita ja työkavereita"),
            ("fi", "Persia on äidinkieleni ja käännän tarvittaessa"),
        ),
    ),
    "vi": Origin(
        ("Lan", "Hoa", "Thu"),
        ("Minh", "Duc"),
        ("Nguyen", "Tran", "Pham", "Le"),
        ("vi", "fi", "en"),
        "fi",
        (
            ("fi", "Vietnam on äidinkieleni, autan vietnaminkielisiä asiakkaita"),
            ("en", "Vietnamese is my mother tongue, happy to help Vietnamese families"),
        ),
    ),
}
ORIGINS_WRITING = {w: [k for k, o in ORIGINS.items() if o.writes == w] for w in ("en", "fi")}


@dataclass(frozen=True)
class Role:
    title: str
    pools: tuple[str, ...]  # the first is the role's own; the others are drawn from less often
    weight: int = 1


@dataclass(frozen=True)
class Unit:
    name: str
    size: int  # including the hand-written people placed in it
    roles: tuple[Role, ...]
    supervisors: tuple[str, ...]  # titles; the unit has 1 + size // 14 supervisors
    female: float
    # Shares of writers: Swedish-speaking, international writing English, international writing
    # Finnish, and Finns who write some statements in English; the rest write Finnish only.
    sv: float = 0.1
    intl_en: float = 0.08
    intl_fi: float = 0.05
    fi_en: float = 0.12
    swedish: bool = False  # the Swedish-language unit: everyone writes Swedish, Swedish titles


NURSE = ("hoitotyo",)
HOME_CARE = (
    Role("lähihoitaja", ("kotihoito", *NURSE), 6),
    Role("sairaanhoitaja", ("kotihoito", *NURSE), 3),
    Role("hoiva-avustaja", ("kotihoito",)),
)
UNITS: tuple[Unit, ...] = (
    Unit(
        "Kotihoito Pohjoinen",
        28,
        HOME_CARE,
        ("palveluesihenkilö", "tiimivastaava", "vastaava sairaanhoitaja"),
        0.88,
        intl_en=0.12,
        intl_fi=0.08,
    ),
    Unit("Kotihoito Etelä", 22, HOME_CARE, ("palveluesihenkilö", "tiimivastaava"), 0.88, intl_en=0.12, intl_fi=0.08),
    Unit(
        "Sisätautien osasto 3",
        26,
        (
            Role("sairaanhoitaja", ("osasto", *NURSE), 6),
            Role("lähihoitaja", ("osasto", *NURSE), 3),
            Role("osastonsihteeri", ("sihteeri",)),
        ),
        ("osastonhoitaja", "apulaisosastonhoitaja"),
        0.85,
        intl_en=0.18,
        intl_fi=0.06,
    ),
    Unit(
        "Päivystys",
        22,
        (
            Role("sairaanhoitaja", ("paivystys", *NURSE), 6),
            Role("lähihoitaja", ("paivystys", *NURSE), 2),
            Role("päivystyksen erikoislääkäri", ("paivystyslaakari", "paivystys"), 2),
        ),
        ("osastonhoitaja", "apulaisosastonhoitaja"),
        0.7,
        intl_en=0.15,
        intl_fi=0.04,
        fi_en=0.2,
    ),
    Unit(
        "Ikääntyneiden asumispalvelut",
        28,
        (
            Role("lähihoitaja", ("asumis", *NURSE), 6),
            Role("hoiva-avustaja", ("asumis",), 2),
            Role("sairaanhoitaja", ("asumis", *NURSE)),
            Role("geronomi", ("asumis",)),
        ),
        ("palveluesihenkilö", "vastaava sairaanhoitaja", "tiimivastaava"),
        0.87,
        intl_en=0.2,
        intl_fi=0.1,
        fi_en=0.05,
    ),
    Unit(
        "Neuvola",
        12,
        (
            Role("terveydenhoitaja", ("neuvola",), 5),
            Role("kätilö", ("neuvola",)),
        ),
        ("osastonhoitaja",),
        0.95,
        sv=0.08,
        intl_en=0.0,
    ),
    Unit(
        "Mielenterveys- ja päihdepalvelut",
        18,
        (
            Role("psykiatrinen sairaanhoitaja", ("mtp", *NURSE), 4),
            Role("sosiaaliohjaaja", ("mtp",), 2),
            Role("psykologi", ("psykologi", "mtp")),
            Role("päihdetyöntekijä", ("mtp",)),
        ),
        ("palveluesihenkilö", "vastaava sairaanhoitaja"),
        0.72,
    ),
    Unit(
        "Lastensuojelu",
        16,
        (
            Role("sosiaalityöntekijä", ("lastensuojelu",), 4),
            Role("sosiaaliohjaaja", ("lastensuojelu",), 3),
            Role("perhetyöntekijä", ("lastensuojelu",), 2),
        ),
        ("johtava sosiaalityöntekijä", "vastaava sosiaalityöntekijä"),
        0.85,
        sv=0.0,
        intl_en=0.0,
        fi_en=0.0,
    ),
    Unit(
        "Aikuissosiaalityö",
        14,
        (
            Role("sosiaalityöntekijä", ("aikuissos",), 3),
            Role("sosiaaliohjaaja", ("aikuissos",), 3),
            Role("etuuskäsittelijä", ("aikuissos",), 2),
        ),
        ("johtava sosiaalityöntekijä", "vastaava sosiaalityöntekijä"),
        0.8,
        intl_fi=0.08,
    ),
    Unit(
        "Fysioterapia",
        14,
        (
            Role("fysioterapeutti", ("fysio",), 5),
            Role("toimintaterapeutti", ("toimintaterapia",), 2),
            Role("kuntohoitaja", ("fysio",)),
        ),
        ("vastaava fysioterapeutti", "kuntoutuksen esihenkilö"),
        0.75,
        sv=0.08,
        intl_fi=0.0,
    ),
    Unit(
        "Suun terveydenhuolto",
        14,
        (
            Role("hammaslääkäri", ("hammaslaakari",), 3),
            Role("suuhygienisti", ("suu",), 2),
            Role("hammashoitaja", ("suu",), 4),
        ),
        ("ylihammaslääkäri", "vastaava hammaslääkäri"),
        0.85,
        intl_en=0.12,
    ),
    Unit(
        "Talous- ja palkkahallinto",
        12,
        (
            Role("kirjanpitäjä", ("kirjanpito",), 2),
            Role("palkkasihteeri", ("palkka",), 4),
            Role("controller", ("kirjanpito",)),
            Role("reskontranhoitaja", ("kirjanpito",)),
        ),
        ("talouspäällikkö",),
        0.8,
        sv=0.08,
        intl_en=0.0,
    ),
    Unit(
        "ICT-tuki",
        12,
        (
            Role("IT-tukihenkilö", ("ict",), 5),
            Role("järjestelmäasiantuntija", ("ict",), 2),
            Role("tietoturva-asiantuntija", ("ict",)),
        ),
        ("ICT-palvelupäällikkö",),
        0.35,
        sv=0.08,
        intl_en=0.15,
        fi_en=0.4,
    ),
    Unit(
        "Siivous- ja laitoshuolto",
        20,
        (
            Role("laitoshuoltaja", ("laitoshuolto",), 7),
            Role("välinehuoltaja", ("valinehuolto", "laitoshuolto"), 2),
        ),
        ("laitoshuoltopäällikkö", "työnjohtaja"),
        0.82,
        sv=0.04,
        intl_en=0.12,
        intl_fi=0.25,
        fi_en=0.0,
    ),
    Unit(
        "HR",
        8,
        (
            Role("HR-asiantuntija", ("hr",), 3),
            Role("rekrytointiasiantuntija", ("hr",)),
            Role("työhyvinvointikoordinaattori", ("hr",)),
        ),
        ("HR-päällikkö",),
        0.8,
        sv=0.1,
        intl_en=0.1,
        intl_fi=0.0,
        fi_en=0.25,
    ),
    Unit(
        "Viestintä",
        6,
        (
            Role("viestintäasiantuntija", ("viestinta",), 3),
            Role("graafinen suunnittelija", ("viestinta",)),
            Role("kääntäjä", ("viestinta",)),
        ),
        ("viestintäpäällikkö",),
        0.7,
        sv=0.15,
        intl_en=0.0,
        intl_fi=0.0,
        fi_en=0.3,
    ),
    Unit(
        "Svenskspråkiga tjänster",
        28,
        (
            Role("sjukskötare", ("osasto", *NURSE), 3),
            Role("närvårdare", ("kotihoito", "asumis"), 4),
            Role("hälsovårdare", ("neuvola",), 2),
            Role("socialhandledare", ("aikuissos",), 2),
            Role("fysioterapeut", ("fysio",)),
        ),
        ("enhetschef", "avdelningsskötare", "ansvarig sjukskötare"),
        0.85,
        swedish=True,
    ),
)

# ------------------------------------------------------------------------ hand-written experts

HANDWRITTEN: dict[str, dict[str, Any]] = {
    # The unit's Excel wizard works in home care: the demo's Excel requests must find her first.
    "emp-0042": {
        "name": "Riikka Halonen",
        "unit": "Kotihoito Pohjoinen",
        "title": "lähihoitaja",
        "languages": ["fi", "en"],
        "capacity": 3,
        "strengths": [
            ("Olen yksikön Excel-velho: pivot-taulukot, makrot ja VBA", 5, "fi"),
            (
                "Automatisoin työvuorolistojen ja käyntitilastojen teon Excelillä, jotta iltaan jää aikaa asiakkaille",
                5,
                "fi",
            ),
            ("Haavanhoito ja lääkkeenjako asiakkaan kotona", 4, "fi"),
            ("Muistisairaiden asiakkaiden kohtaaminen rauhallisesti ja kiireettä", 4, "fi"),
        ],
    },
    # A physiotherapist who writes in English; Finnish requests about transfers should reach him.
    "emp-0088": {
        "name": "Liam O'Connor",
        "unit": "Fysioterapia",
        "title": "fysioterapeutti",
        "languages": ["en", "fi"],
        "capacity": 4,
        "strengths": [
            ("I teach safe patient transfer techniques and workplace ergonomics to nurses and care staff", 5, "en"),
            ("Rehabilitation after hip and knee replacement surgery", 4, "en"),
            ("Balance training and fall prevention for older adults", 4, "en"),
            ("Opiskelen suomea ja ymmärrän jo potilaiden arkikieltä", None, "fi"),
        ],
    },
    # A cleaner whose mother tongue is Arabic.
    "emp-0117": {
        "name": "Yasmin Haddad",
        "unit": "Siivous- ja laitoshuolto",
        "title": "laitoshuoltaja",
        "languages": ["ar", "fi", "en"],
        "capacity": 3,
        "strengths": [
            ("Puhun sujuvasti arabiaa äidinkielenäni, voin auttaa arabiankielisten asiakkaiden kanssa", 5, "fi"),
            ("Siivoan eristyshuoneet ohjeiden mukaan ja tiedän, miten tartunnat ehkäistään", 4, "fi"),
            ("Koneellinen lattianhoito ja isot lattianpesukoneet ovat tuttuja", 3, "fi"),
        ],
    },
    # A ward nurse who writes in Finnish about diabetes education; English requests should reach her.
    "emp-0150": {
        "name": "Satu Heikkinen",
        "unit": "Sisätautien osasto 3",
        "title": "sairaanhoitaja",
        "languages": ["fi", "sv", "en"],
        "capacity": 3,
        "strengths": [
            ("Diabetesta sairastavien potilaiden ohjaus ja insuliinihoidon opetus", 5, "fi"),
            ("Opetan potilaille ja omaisille verensokerin mittaamisen ja matalan verensokerin hoidon", 4, "fi"),
            ("Suonensisäinen lääkehoito ja kanylointi vuodeosastolla", 4, "fi"),
            ("Kotiutuvan potilaan jatkohoidon järjestäminen", 3, "fi"),
        ],
    },
    # Hidden (visible=false): a strong diabetes profile that must never be offered.
    "emp-0177": {
        "name": "Pirjo Rantanen",
        "unit": "Kotihoito Etelä",
        "title": "sairaanhoitaja",
        "languages": ["fi", "en"],
        "capacity": 2,
        "visible": False,
        "strengths": [
            ("Diabeteshoitajan erikoistumiskoulutus: insuliinihoidon aloitukset ja potilasohjaus", 5, "fi"),
            ("Diabetes education for patients starting insulin", 5, "en"),
            ("Haavanhoito ja diabeetikon jalkojen tarkastus", 4, "fi"),
        ],
    },
    # IT support who trains mindfulness.
    "emp-0203": {
        "name": "Tuomas Lehtola",
        "unit": "ICT-tuki",
        "title": "IT-tukihenkilö",
        "languages": ["fi", "en"],
        "capacity": 4,
        "strengths": [
            ("Ohjaan mindfulness-harjoituksia ja stressinhallinnan ryhmiä, olen käynyt ohjaajakoulutuksen", 5, "fi"),
            ("Työasemien, tulostimien ja mobiililaitteiden vianetsintä", 4, "fi"),
            ("Käyttäjätunnusten, salasanojen ja VPN-yhteyksien ongelmat", 4, "fi"),
        ],
    },
    # A payroll clerk who leads a choir and music sessions in elderly care.
    "emp-0231": {
        "name": "Marjatta Koivula",
        "unit": "Talous- ja palkkahallinto",
        "title": "palkkasihteeri",
        "languages": ["fi", "sv"],
        "capacity": 2,
        "strengths": [
            ("Johdan kuoroa ja järjestän laulu- ja musiikkihetkiä vanhustenhoidon yksiköissä", 5, "fi"),
            ("Soitan pianoa ja haitaria, yhteislaulun vetäminen käy minulta luontevasti", 4, "fi"),
            ("Tuntipalkkaisten palkanlaskenta ja lisien tarkistus", 4, "fi"),
            ("SOTE-sopimuksen tulkinta hankalissa palkka-asioissa", 3, "fi"),
        ],
    },
    # A Swedish-speaking social worker writing in Swedish about child protection.
    "emp-0264": {
        "name": "Johanna Lindholm",
        "unit": "Lastensuojelu",
        "title": "sosiaalityöntekijä",
        "languages": ["sv", "fi", "en"],
        "capacity": 3,
        "strengths": [
            ("Barnskydd och familjearbete är mitt område, också i svåra och akuta ärenden", 5, "sv"),
            ("Utredningar inom barnskyddet och stöd till familjer i kris", 4, "sv"),
            ("Nätverksmöten med familjer på svenska och finska", 4, "sv"),
            ("Kaksikielisten perheiden palveluohjaus suomeksi ja ruotsiksi", 3, "fi"),
        ],
    },
}
