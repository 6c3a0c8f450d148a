"""The `velho demo` sample organisation as a simulation, on the real e5 model.

Seven help topics, one per demo request, each with a handful of fi/sv/en phrasings. The truth:
the hand-written ground-truth experts of `matcher/demo/staff.py` (see `tests/matcher/test_demo.py`)
and the generated colleagues whose statements plainly say the same skill are competent; per
topic the run then adds, on seeded otherwise uninvolved colleagues, two hidden experts (one
vague but related line, e.g. "Tietokoneet ja toimisto-ohjelmat ovat minulle helppoja" for
Excel) and one over-claimer (a confident level-5 claim they cannot back), makes one declared
colleague a habitual decliner where a topic has several, and lets one newcomer join mid-run.
About one in ten people is away for a while. Everyone else is competent in none of the topics.

Texts are encoded by the configured e5 behind the embedding cache (`cache_dir`), requests
included, so a repeated run encodes nothing: the organisation is ~1,200 statements, the
phrasings and added lines ~70 texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from embeddings.factory import build_encoder
from matcher.demo import organisation_path
from matcher.evaluation.scenario import Kind, Scenario, SimPerson
from matcher.matching.weights import RankingWeights
from profiles.schemas import ProfileCreate

# Requests per simulated day (help takes 1–5 days): the single-expert topics overflow their one
# expert's capacity, as the Excel wizard's would.
DEMO_RATE = 10.0
AWAY_SHARE = 0.1

PHRASINGS: dict[str, list[str]] = {
    "excel": [
        "tarvitsen apua Excelin pivot-taulukoiden kanssa",
        "help with Excel macros",
        "Kuka osaa automatisoida Excel-taulukon makrolla?",
        "behöver hjälp med pivottabeller i Excel",
    ],
    "arabic": [
        "asiakas puhuu vain arabiaa, kuka voisi auttaa tulkkaamaan?",
        "we need someone who speaks Arabic for a client meeting",
        "behöver någon som talar arabiska med en klient",
        "Tarvitsen arabiankielentaitoisen työkaverin kotikäynnille",
    ],
    "mindfulness": [
        "tiimimme kaipaa stressinhallintaa, voisiko joku vetää mindfulness-harjoituksen?",
        "could someone lead a mindfulness session for our stressed team?",
        "vem kan leda en mindfulnessövning för vår arbetsgrupp?",
        "Kuka voisi ohjata rentoutus- ja hengitysharjoituksia henkilökunnalle?",
    ],
    "transfers": [
        "kuka voisi opettaa tiimillemme turvalliset potilassiirrot ja ergonomian?",
        "who can teach safe patient transfers to our night shift?",
        "vem kan lära oss säkra förflyttningar av patienter?",
        "Tarvitaan ohjausta nostolaitteen käyttöön ja siirtojen ergonomiaan",
    ],
    "child_protection": [
        "behöver stöd i ett svårt barnskyddsärende",
        "Tarvitsen konsultaatiota vaikeassa lastensuojeluasiassa",
        "need advice on a difficult child protection case",
        "Kuka osaa tehdä lastensuojelutarpeen selvityksen?",
    ],
    "diabetes": [
        "who could teach a diabetes patient how to use insulin?",
        "Kuka voisi ohjata diabeetikkoa insuliinin pistämisessä?",
        "behöver hjälp att lära en patient att ta insulin",
        "Tarvitsen apua verensokerin mittaamisen opettamiseen potilaalle",
    ],
    "choir": [
        "kuka voisi vetää yhteislaulua?",
        "anyone who could lead a sing-along for our elderly residents?",
        "vem kan leda allsång på vårt äldreboende?",
        "Kuka voisi järjestää musiikkihetken vanhainkodin asukkaille?",
    ],
}
# Ground truth already in the organisation: (employee, true competence). The first of each
# topic is the hand-written expert the demo request is meant to find.
DECLARED: dict[str, list[tuple[str, float]]] = {
    "excel": [("emp-0042", 0.95), ("emp-0124", 0.65)],
    "arabic": [("emp-0117", 0.95)],
    "mindfulness": [("emp-0203", 0.9)],
    "transfers": [("emp-0088", 0.95), ("emp-0003", 0.8), ("emp-0007", 0.8), ("emp-0031", 0.7), ("emp-0059", 0.7)],
    "child_protection": [
        ("emp-0264", 0.95),
        ("emp-0046", 0.8),
        ("emp-0063", 0.8),
        ("emp-0115", 0.85),
        ("emp-0168", 0.85),
        ("emp-0265", 0.8),
    ],
    "diabetes": [("emp-0150", 0.95), ("emp-0173", 0.65), ("emp-0267", 0.65)],
    "choir": [("emp-0231", 0.95)],
}
# Related but weak: what a competent person who undersells it might write.
VAGUE: dict[str, list[str]] = {
    "excel": [
        "Tietokoneet ja toimisto-ohjelmat ovat minulle helppoja",
        "I'm the one colleagues ask when the computer acts up",
        "Gillar att jobba med siffror och datorer",
    ],
    "arabic": [
        "Olen asunut useita vuosia Lähi-idässä",
        "I grew up in a multilingual family in North Africa",
        "Jag har bott flera år i Mellanöstern",
    ],
    "mindfulness": [
        "Työhyvinvointi ja jaksaminen ovat minulle tärkeitä",
        "I do yoga and breathing exercises in my free time",
        "Jag är lugn och kan lugna andra",
    ],
    "transfers": [
        "Liikkumisen tukeminen ja kuntoutus arjessa",
        "I'm practical and careful with heavy lifting at work",
        "Hjälper gärna till med patienternas rörlighet",
    ],
    "child_protection": [
        "Perheiden kanssa työskentely on minulle tuttua",
        "I have worked with families in difficult situations",
        "Erfarenhet av arbete med barn och unga",
    ],
    "diabetes": [
        "Pitkäaikaissairauksien ohjaus ja seuranta",
        "I help patients manage their medication at home",
        "Erfarenhet av kroniska sjukdomar hos äldre",
    ],
    "choir": [
        "Musiikki on tärkeä harrastukseni",
        "I enjoy singing and play the guitar",
        "Jag tycker om att sjunga",
    ],
}
OVERCLAIM: dict[str, str] = {
    "excel": "Olen Excel-asiantuntija ja osaan kaikki sen toiminnot",
    "arabic": "Tulkkaan arabiaa sujuvasti asiakastilanteissa",
    "mindfulness": "Mindfulness-ohjaaja ja stressinhallinnan asiantuntija",
    "transfers": "Expert in safe patient transfers and ergonomics",
    "child_protection": "Lastensuojelun asiantuntija, hoidan kaikki lastensuojeluasiat",
    "diabetes": "Diabetes- ja insuliinihoidon asiantuntija",
    "choir": "Kuoronjohtaja, vedän yhteislaulua ammattitaidolla",
}
NEWCOMER: dict[str, str] = {
    "excel": "Excel-raportointi ja pivot-taulukot ovat vahvuuteni",
    "arabic": "Arabia on äidinkieleni, tulkkaan asiakastilanteissa",
    "mindfulness": "Ohjaan rentoutus- ja mindfulness-harjoituksia",
    "transfers": "Potilassiirrot ja nostolaitteiden käyttö, ohjaan myös muita",
    "child_protection": "Lastensuojelun sosiaalityö, kiireelliset sijoitukset ja selvitykset",
    "diabetes": "Insuliinihoidon ohjaus ja verensokerin seuranta",
    "choir": "Vedän yhteislaulutuokioita ja soitan kitaraa",
}
# What someone writes who acts on a demand prompt (`/v1/me/prompts`) and says the skill plainly,
# whether or not they have it: the same words, so the text cannot tell the two apart.
PLAIN: dict[str, list[str]] = {
    "excel": [
        "Osaan Excelin pivot-taulukot ja makrot, autan mielelläni",
        "I can help with Excel: pivot tables, formulas and macros",
        "Jag kan Excel, pivottabeller och makron",
    ],
    "arabic": [
        "Puhun arabiaa sujuvasti ja voin tulkata asiakastilanteissa",
        "I speak Arabic fluently and can interpret for clients",
        "Jag talar arabiska flytande och kan tolka",
    ],
    "mindfulness": [
        "Voin ohjata mindfulness- ja rentoutusharjoituksia tiimeille",
        "I can lead mindfulness and breathing exercises for a team",
        "Jag kan leda mindfulness- och avslappningsövningar",
    ],
    "transfers": [
        "Osaan turvalliset potilassiirrot ja voin opettaa niitä",
        "I can teach safe patient transfers and lifting ergonomics",
        "Jag kan lära ut säkra förflyttningar av patienter",
    ],
    "child_protection": [
        "Minulla on kokemusta lastensuojelutyöstä ja voin konsultoida",
        "I can advise on child protection cases",
        "Jag har erfarenhet av barnskyddsärenden och kan ge råd",
    ],
    "diabetes": [
        "Osaan ohjata diabeetikkoa insuliinihoidossa ja verensokerin mittaamisessa",
        "I can teach patients to use insulin and measure blood sugar",
        "Jag kan lära patienter att ta insulin",
    ],
    "choir": [
        "Voin vetää yhteislaulua ja musiikkituokioita",
        "I can lead a sing-along and play music for residents",
        "Jag kan leda allsång",
    ],
}


def demo_encoder(cache_dir: Path) -> Encoder:
    """The configured e5 behind an embedding cache that keeps requests too (they recur here)."""
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    return CachedEncoder(build_encoder("e5", cache_dir=cache_dir), cache, cache_queries=True)


def build_demo(seed: int, *, run_days: float, cache_dir: Path | None = None, bystanders: int | None = None) -> Scenario:
    """The seeded demo scenario; without `cache_dir` the texts are encoded into a fresh cache.

    `bystanders` keeps only that many of the colleagues competent in no topic (a seeded sample),
    for an organisation of the issue's size (~100 people) where a vague line has few rivals.
    """
    rng = np.random.default_rng([seed, 7])
    rows = [json.loads(line) for line in organisation_path().read_text(encoding="utf-8").splitlines()]
    people: dict[str, SimPerson] = {}
    for row in rows:
        eid = row.pop("external_id")
        present = row["visible"] and row["availability"] != "unavailable"
        accept = float(rng.uniform(0.8, 0.95)) * (0.6 if row["availability"] == "limited" else 1.0)
        people[eid] = SimPerson(eid, "other", ProfileCreate.model_validate(row), accept_prob=accept)
        if not present:
            people[eid].accept_prob = 0.0
    for topic, declared in DECLARED.items():
        for n, (eid, competence) in enumerate(declared):
            person = people[eid]
            person.kind, person.competence[topic] = "expert", competence
            if n > 0 and n == len(declared) - 1 and len(declared) >= 3:
                person.kind, person.accept_prob, person.silent_share = "decliner", float(rng.uniform(0.1, 0.3)), 0.5
    free = sorted(eid for eid, p in people.items() if p.kind == "other" and p.accept_prob > 0)
    chosen = iter(rng.permutation(free).tolist())
    for topic in PHRASINGS:
        for text in rng.choice(VAGUE[topic], size=2, replace=False):
            _add(people[next(chosen)], "hidden", topic, str(text), None, float(rng.uniform(0.75, 1.0)))
        _add(people[next(chosen)], "overclaimer", topic, OVERCLAIM[topic], 5, float(rng.uniform(0.05, 0.3)))
        eid = f"new-{topic.replace('_', '-')}"
        profile = ProfileCreate(
            name=f"Newcomer {topic}",
            unit="Uudet työntekijät",
            languages=["fi", "en"],
            capacity=3,
            strengths=[{"text": NEWCOMER[topic], "level": 4}, {"text": "Uusi työntekijä, autan mielelläni"}],  # type: ignore[list-item]
        )
        joins = float(rng.uniform(0.2, 0.5)) * run_days
        people[eid] = SimPerson(eid, "newcomer", profile, {topic: float(rng.uniform(0.75, 1.0))}, 0.9, joins_day=joins)
    if bystanders is not None:
        others = sorted(eid for eid, p in people.items() if p.kind == "other")
        dropped = set(others) - set(rng.permutation(others)[:bystanders].tolist())
        people = {eid: p for eid, p in people.items() if eid not in dropped}
    for person in people.values():
        if person.accept_prob > 0 and rng.random() < AWAY_SHARE:
            start = float(rng.uniform(0.0, run_days))
            person.away = (start, start + float(rng.uniform(3.0, 10.0)))
    topics = list(PHRASINGS)
    cache = cache_dir
    return Scenario(
        name="demo",
        people=list(people.values()),
        topics=topics,
        topic_weights={t: 1.0 / len(topics) for t in topics},
        phrasings=PHRASINGS,
        make_encoder=lambda: demo_encoder(cache or fresh_cache()),
        ranking=RankingWeights(),
        requests_per_day=DEMO_RATE,
        help_days=(1.0, 5.0),
        plain_claims=PLAIN,
        description=(
            f"velho demo organisation ({len(people) - len(topics)} of {len(rows)} people) + 7 newcomers, "
            f"{len(topics)} topics (one per demo request), per topic 2 hidden experts and 1 over-claimer "
            "added; the real e5 model"
        ),
    )


def _add(person: SimPerson, kind: Kind, topic: str, text: str, level: int | None, competence: float) -> None:
    strengths = [*person.profile.strengths, {"text": text, "level": level}]
    person.profile = ProfileCreate.model_validate({**person.profile.model_dump(), "strengths": strengths})
    person.kind = kind
    person.competence[topic] = competence


def fresh_cache() -> Path:
    """A new, empty embedding cache folder (a run that was given none)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="velho-demo-cache-"))
