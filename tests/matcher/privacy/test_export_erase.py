"""GDPR on a real database and index: the export holds everything about a person, erasure leaves
nothing of them (rows, texts, vectors) while others' history and rating aggregates stay whole,
and retention purges old request texts but keeps the counts."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from builders import put
from sqlalchemy import func, select, update

from matcher.app.wiring import Velho
from matcher.feedback.models import Engagement, Rating
from matcher.feedback.neighbourhood import encode_neighbourhood
from matcher.feedback.repository import EngagementRepository
from matcher.matching.models import HelpRequest, MatchResult
from matcher.matching.schemas import MatchCreate
from profiles.actor import Actor
from profiles.models import Employee, StatementKind, StrengthStatement, utcnow

ADMIN = Actor.admin()
# A request's nearest statements, as stored (ids and similarities).
NEIGHBOURHOOD = encode_neighbourhood(np.arange(30), np.full(30, 0.5))


def helped(velho: Velho, requester: str, provider: str, text: str, score: int, comment: str | None = None) -> int:
    """A whole engagement through the services: match, propose, accept, complete, rate."""
    with velho.session() as s:
        out = velho.matching.match(s, MatchCreate(text=text, k=5, requester_id=requester))
    with velho.session() as s:
        e, _ = velho.engagements.propose(s, request_id=out.request_id, provider_id=provider, actor=ADMIN)
        eid = e.id
    with velho.session() as s:
        velho.engagements.accept(s, engagement_id=eid, actor=ADMIN, actor_id=provider)
    with velho.session() as s:
        velho.engagements.complete(s, engagement_id=eid, actor=ADMIN)
    with velho.session() as s:
        velho.engagements.rate(s, engagement_id=eid, score=score, comment=comment, actor=ADMIN, actor_id=requester)
    return eid


def team(velho: Velho) -> None:
    put(velho, "ann", "Ann", ["Excel-makrot ja pivot-taulukot"])
    put(velho, "bob", "Bob", ["haavanhoito ja sidokset"])
    put(velho, "cai", "Cai", ["tietokoneiden vianetsintä"])


def test_the_export_holds_the_profile_engagements_ratings_requests_and_what_is_derived(velho: Velho) -> None:
    team(velho)
    helped(velho, "bob", "ann", "tarvitsen apua Excelin makrojen kanssa", 5, "erinomaista")
    helped(velho, "ann", "bob", "haavan sidonta neuvoja", 4)
    with velho.reading() as s:
        data = velho.privacy.export(s, external_id="ann", actor=Actor.employee("ann"))
    assert data.profile.external_id == "ann" and [st.text for st in data.profile.strengths] == [
        "Excel-makrot ja pivot-taulukot"
    ]
    assert len(data.profile.evidence) == 1  # well-rated help became an evidence statement
    assert [e.status for e in data.engagements_as_provider] == ["completed"]
    assert [e.provider_id for e in data.engagements_as_requester] == ["bob"]
    assert [(r.score, r.comment) for r in data.ratings_received] == [(5, "erinomaista")]
    assert [r.score for r in data.ratings_given] == [4]
    assert [r.text for r in data.match_requests] == ["haavan sidonta neuvoja"] and data.match_requests[0].results >= 1
    d = data.derived
    assert (d.engagements, d.accepted, d.ratings_received, d.capacity) == (1, 1, 1, 3)
    assert d.shrunk_rating is not None and 4.0 < d.shrunk_rating < 5.0 and d.acceptance_posterior > 0.8
    # Global quality is off by default (competence is learned per request, not per person).
    assert set(d.components) == {"quality", "responsiveness", "load"} and d.components["quality"] == 0.0


def test_the_export_holds_the_stored_match_strength_bands_of_own_requests_and_own_results(velho: Velho) -> None:
    team(velho)
    helped(velho, "bob", "ann", "tarvitsen apua Excelin makrojen kanssa", 5)  # ranks Ann (and others)
    helped(velho, "ann", "bob", "haavan sidonta neuvoja", 4)  # Ann's own request
    with velho.session() as s:  # one more of Bob's, where no result is strong
        velho.matching.match(s, MatchCreate(text="kvanttilaskennan virheenkorjaus", k=3, requester_id="bob"))
    with velho.reading() as s:
        data = velho.privacy.export(s, external_id="ann", actor=Actor.employee("ann"))
        ann_id = s.scalars(select(Employee.id).where(Employee.external_id == "ann")).one()
        stored_requests = {r.id: r.best_strength for r in s.scalars(select(HelpRequest))}
        ranked_ann = select(MatchResult).where(MatchResult.employee_id == ann_id)
        stored_results = {(m.request_id, m.rank, m.strength) for m in s.scalars(ranked_ann)}
        others = s.scalar(select(func.count()).select_from(MatchResult).where(MatchResult.employee_id != ann_id))
    [own] = data.match_requests
    assert own.best_strength is not None and own.best_strength == stored_requests[own.id]
    # Every stored result that ranked Ann, with its band as stored, and none that ranked someone else.
    assert {(a.request_id, a.rank, a.strength) for a in data.match_appearances} == stored_results
    assert len(stored_results) == 2 and others > 0 and own.id not in {a.request_id for a in data.match_appearances}
    bands = {a.request_id: a.strength for a in data.match_appearances}
    assert None not in bands.values() and len(set(bands.values())) >= 2  # a strong match and a weak one


def test_erasure_leaves_nothing_of_the_person_and_keeps_others_whole(velho: Velho) -> None:
    team(velho)
    # Ann asked Bob twice (one of her requests became Bob's evidence); Cai rated Ann's help.
    helped(velho, "ann", "bob", "haavan sidonta ja sidosten vaihto", 5, "Ann kiittää")
    helped(velho, "ann", "bob", "painehaavan hoito", 2)
    helped(velho, "cai", "ann", "Excel-makro kaatuu", 4, "hyvä apu")
    repo = EngagementRepository()
    with velho.reading() as s:
        ann = s.scalars(select(Employee).where(Employee.external_id == "ann")).one()
        ann_id = ann.id
        ann_vectors = [
            np.frombuffer(st.embedding, dtype=np.float32)
            for st in s.scalars(select(StrengthStatement).where(StrengthStatement.employee_id == ann_id))
            if st.embedding
        ]
        ann_sids = set(s.scalars(select(StrengthStatement.id).where(StrengthStatement.employee_id == ann_id)))
        bob_id = s.scalars(select(Employee.id).where(Employee.external_id == "bob")).one()
        bob_before = repo.provider_stats(s, provider_ids=[bob_id], now=utcnow())[bob_id]
    with velho.session() as s:
        # A team this small has too few statements for a stored neighbourhood: give every request one.
        s.execute(update(HelpRequest).values(neighbourhood=NEIGHBOURHOOD))
    with velho.session() as s:
        velho.privacy.erase(s, external_id="ann", actor=Actor.employee("ann"))
    with velho.reading() as s:
        assert s.scalar(select(func.count()).select_from(Employee).where(Employee.external_id == "ann")) == 0
        assert (
            s.scalar(select(func.count()).select_from(StrengthStatement).where(StrengthStatement.employee_id == ann_id))
            == 0
        )
        texts = [t for t in s.scalars(select(HelpRequest.text)) if t]
        assert texts == ["Excel-makro kaatuu"]  # Cai's request stays; Ann's texts are gone
        # What her requests were near goes with their words and vectors.
        assert sorted((tuple(r) for r in s.execute(select(HelpRequest.text, HelpRequest.neighbourhood))), key=str) == [
            ("Excel-makro kaatuu", NEIGHBOURHOOD),
            (None, None),
            (None, None),
        ]
        assert s.scalar(select(func.count()).select_from(HelpRequest).where(HelpRequest.requester_id == "ann")) == 0
        comments = set(s.scalars(select(Rating.comment)))
        assert "Ann kiittää" not in comments and "hyvä apu" not in comments  # hers, and the one about her (deleted)
        evidence = list(
            s.scalars(select(StrengthStatement.text).where(StrengthStatement.kind == StatementKind.evidence))
        )
        assert "haavan sidonta ja sidosten vaihto" not in evidence  # Bob's evidence from her words went too
        # Bob's history and aggregates: both engagements still there, both ratings still count.
        assert s.scalar(select(func.count()).select_from(Engagement).where(Engagement.provider_id == bob_id)) == 2
        bob_after = repo.provider_stats(s, provider_ids=[bob_id], now=utcnow())[bob_id]
        assert (bob_after.rating_total, bob_after.rating_count, bob_after.engagements) == (
            bob_before.rating_total, bob_before.rating_count, bob_before.engagements
        )  # fmt: skip
        # Cai's engagement with Ann stays, anonymised.
        assert s.scalars(
            select(Engagement.provider_id).join(HelpRequest).where(HelpRequest.requester_id == "cai")
        ).all() == [None]
    index_ids = set(velho.sync.index.ids().tolist())
    assert not ann_sids & index_ids and "ann" not in velho.sync.roster.by_external_id
    for vec in ann_vectors:  # searching with her own vectors finds nothing of hers
        hits = velho.sync.index.search(velho.sync.centering.apply(vec[None, :], ["fi"])[0], 10)
        assert not set(hits.ids.tolist()) & ann_sids


def test_retention_purges_old_request_texts_and_keeps_the_counts(velho: Velho) -> None:
    team(velho)
    helped(velho, "bob", "ann", "vanha pyyntö Excelistä", 5)
    with velho.session() as s:
        velho.matching.match(s, MatchCreate(text="uusi pyyntö Excelistä", k=3))
    with velho.session() as s:
        s.execute(
            update(HelpRequest)
            .where(HelpRequest.text == "vanha pyyntö Excelistä")
            .values(created_at=utcnow() - timedelta(days=400))
        )
        s.execute(update(HelpRequest).values(neighbourhood=NEIGHBOURHOOD))
    assert velho.purge_old_requests() == 1
    with velho.reading() as s:
        assert sorted(t or "-" for t in s.scalars(select(HelpRequest.text))) == ["-", "uusi pyyntö Excelistä"]
        assert s.scalar(select(func.count(HelpRequest.id))) == 2
        assert s.scalar(select(func.count()).select_from(HelpRequest).where(HelpRequest.embedding.is_(None))) == 1
        assert s.execute(
            select(HelpRequest.text, HelpRequest.neighbourhood).order_by(HelpRequest.created_at)
        ).all() == [
            (None, None),
            ("uusi pyyntö Excelistä", NEIGHBOURHOOD),
        ]
        assert s.scalar(select(func.count(Rating.id))) == 1
    assert velho.purge_old_requests() == 0
