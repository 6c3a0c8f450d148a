"""A small organisation with three kinds of demand, filed, answered and rated through the real services.

Building it files and answers 22 requests, so tests that only read share one per module (`org`);
tests that write (file requests, erase vectors) build their own (`own_org`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from builders import put
from conftest import ADMIN_TOKEN, fresh_database
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.insights.period import Period
from matcher.matching.models import HelpRequest
from matcher.matching.schemas import MatchCreate
from profiles.actor import Actor

ADMIN = Actor.admin()

EXCEL = [
    "tarvitsen apua Excelin pivot-taulukoiden kanssa",
    "help with Excel macros in our budget sheet",
    "miten teen Excelissä pivot-taulukon raportista",
    "Excel-makro ei toimi, kuka osaa korjata",
    "who can show me Excel pivot tables",
    "Excelin kaavat ja makrot sekaisin taulukossa",
    "Excel VLOOKUP and pivot table question",
    "apua Excel-taulukon makroihin",
    "Excel spreadsheet macros for reporting",
]
WOUNDS = [
    "asiakkaalla on painehaava, miten hoidan sitä",
    "help with wound care of a leg ulcer",
    "haavan sidonta ja haavanhoito kotikäynnillä",
    "pressure ulcer prevention for a bedridden client",
    "kuka osaa hoitaa säärihaavaa",
    "wound dressing advice for home care",
    "haavasidosten vaihto ja haavan puhdistus",
]
# More wound demand, for tests that need a topic well above the minimum group.
MORE_WOUNDS = [
    "painehaavan hoito vuodepotilaalla kotona",
    "säärihaavan sidokset ja puhdistus kotikäynnillä",
    "haavanhoitotuotteiden valinta kotihoidossa",
    "wound care for a diabetic foot ulcer",
    "how to dress a pressure ulcer at home",
]
INTERPRETING = [
    "asiakas puhuu vain arabiaa, tarvitsen tulkin",
    "need an Arabic interpreter for a client meeting",
    "somalinkielinen tulkkaus asiakastapaamiseen",
    "who can interpret Somali for a family",
    "tulkki arabian kielelle kotikäynnille",
    "Arabic interpretation at a doctor visit",
]


@dataclass
class Org:
    """The organisation and what happened in it; `now` bounds the current period."""

    velho: Velho
    now: datetime
    requests: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


def period(org: Org) -> Period:
    """The current period: the last ten days (the previous one holds three Excel requests)."""
    return Period.of(org.now - timedelta(days=10), org.now + timedelta(hours=1))


def _file(velho: Velho, text: str, requester: str) -> str:
    with velho.session() as s:
        return velho.matching.match(s, MatchCreate(text=text, k=3, requester_id=requester)).request_id


def help_with(velho: Velho, request_id: str, provider: str, *, score: int | None, accept: bool = True) -> None:
    with velho.session() as s:
        e, _ = velho.engagements.propose(s, request_id=request_id, provider_id=provider, actor=ADMIN)
        eid = e.id
    with velho.session() as s:
        if not accept:
            velho.engagements.decline(s, engagement_id=eid, actor=ADMIN)
            return
        velho.engagements.accept(s, engagement_id=eid, actor=ADMIN)
    if score is None:
        return
    with velho.session() as s:
        velho.engagements.complete(s, engagement_id=eid, actor=ADMIN)
    with velho.session() as s:
        velho.engagements.rate(s, engagement_id=eid, score=score, actor=ADMIN)


def _set(velho: Velho, ids: list[str], **values: object) -> None:
    with velho.session() as s:
        s.execute(update(HelpRequest).where(HelpRequest.id.in_(ids)).values(**values))


def build_org(velho: Velho) -> Org:
    """Three topics of demand (Excel 6 now + 3 before, wounds 7, interpreting 6)."""
    put(
        velho,
        "excel",
        "Eero Excel",
        ["Excelin pivot-taulukot ja makrot", "Excel pivot tables and macros"],
        unit="Talous",
    )
    put(
        velho, "nurse", "Hanna Haava", ["Haavanhoito ja painehaavojen ehkäisy", "Wound care and pressure ulcers"],
        unit="Kotihoito", supervisor=True,
    )  # fmt: skip
    put(
        velho,
        "tulkki",
        "Tuula Tulkki",
        ["Tulkkaan arabiaa ja somalia", "Arabic and Somali interpreting"],
        unit="Kotihoito",
    )
    put(velho, "secret", "Salla Salainen", ["Arabian ja somalin tulkkaus asiakkaille"], unit="Kotihoito")
    put(velho, "garden", "Gunnar Garden", ["Puutarhanhoito ja kasvimaat"], unit="Talous")
    put(velho, "asker", "Aino Asiakas", ["Kirjanpito ja laskutus"], unit="Talous")
    o = Org(velho, datetime.now(UTC))
    o.requests = {
        name: [_file(velho, t, "asker") for t in texts]
        for name, texts in (("excel", EXCEL), ("wounds", WOUNDS), ("interpreting", INTERPRETING))
    }
    o.texts = EXCEL + WOUNDS + INTERPRETING
    # Three Excel requests were filed in the previous period: the topic doubled since.
    _set(velho, o.requests["excel"][6:], created_at=o.now - timedelta(days=15))
    # The ranking stores a band with each request; set here to known values, and the Excel ones
    # back to NULL, as for requests matched before bands existed (insights must say "unknown").
    _set(velho, o.requests["excel"], best_strength=None)
    _set(velho, o.requests["wounds"], best_strength="weak")
    _set(velho, o.requests["interpreting"], best_strength="strong")
    for rid in o.requests["excel"][:5]:
        help_with(velho, rid, "excel", score=5)
    help_with(velho, o.requests["wounds"][0], "nurse", score=5)
    help_with(velho, o.requests["wounds"][1], "nurse", score=4)
    help_with(velho, o.requests["interpreting"][0], "tulkki", score=None)
    help_with(velho, o.requests["interpreting"][1], "secret", score=None, accept=False)
    # Then the interpreter colleague hides their profile: they must vanish from every insight.
    put(velho, "secret", "Salla Salainen", ["Arabian ja somalin tulkkaus asiakkaille"], unit="Kotihoito", visible=False)
    return o


# Employee JWTs the shared organisation's API verifies (HS256).
ORG_JWT_SECRET = "insights-org-test-secret-of-enough-length"


@pytest.fixture(scope="module")
def org_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the shared organisation, verifying employee JWTs signed with `ORG_JWT_SECRET`."""
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("org") / "data",
        admin_token=ADMIN_TOKEN,
        jwt_secret=ORG_JWT_SECRET,
        _env_file=None,
    )


@pytest.fixture(scope="module", name="org")
def org_fixture(
    request: pytest.FixtureRequest, org_settings: Settings, encoder: Encoder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Org]:
    """The organisation, built once per module, for tests that only read it; a module may name
    another builder as `BUILD_ORG`."""
    builder = getattr(request.module, "BUILD_ORG", build_org)
    with fresh_database(tmp_path_factory.mktemp("org-db")) as engine:
        velho = build(org_settings, encoder=encoder, engine=engine)
        velho.start()
        try:
            yield builder(velho)
        finally:
            velho.close()


@pytest.fixture(name="client")
def org_client_fixture(org_settings: Settings, org: Org) -> Iterator[TestClient]:
    """Real HTTP through the ASGI app, over the module's shared organisation."""
    with TestClient(create_app(org_settings, velho=org.velho)) as c:
        yield c


@pytest.fixture(name="own_org")
def own_org_fixture(velho: Velho) -> Org:
    """An organisation of the test's own, for tests that write to it."""
    return build_org(velho)
