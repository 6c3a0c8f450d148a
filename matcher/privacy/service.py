"""`PrivacyService`: export everything Velho holds about a person, erase them, purge old request texts.

Erasure removes the person's profile, statements, evidence and vectors (through `ProfileService`,
so every index drops them), their match-request texts, their comments and reasons, and the evidence
other providers gained from their requests. Other people's history stays whole: an engagement with
an erased person remains, anonymised, and the ratings other providers received keep counting.
Never commits: the caller's unit of work does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from matcher.feedback.effects import (
    bayesian_average,
    beta_posterior_mean,
    load_penalty,
    quality_score,
    responsiveness_score,
)
from matcher.feedback.models import Rating
from matcher.feedback.repository import EngagementRepository, ProviderStats
from matcher.feedback.schemas import to_read as engagement_read
from matcher.feedback.weights import FeedbackWeights
from matcher.matching.strength import Strength
from matcher.privacy.repository import PrivacyRepository
from matcher.privacy.schemas import AppearanceRecord, DerivedRecord, PersonalDataExport, RatingRecord, RequestRecord
from profiles.actor import Actor
from profiles.errors import NotProfileOwner, ProfileNotFound
from profiles.models import Employee, as_utc, utcnow
from profiles.repository import ProfileRepository
from profiles.service import ProfileService, to_read

logger = logging.getLogger(__name__)


class PrivacyService:
    """Export, erase, retention."""

    def __init__(
        self,
        profiles: ProfileService,
        weights: FeedbackWeights,
        *,
        repository: PrivacyRepository | None = None,
        engagements: EngagementRepository | None = None,
    ) -> None:
        self.profiles = profiles
        self.weights = weights
        self.repo = repository or PrivacyRepository()
        self.engagements = engagements or EngagementRepository()
        self.profile_repo = ProfileRepository()

    def export(self, session: Session, *, external_id: str, actor: Actor) -> PersonalDataExport:
        """Everything about one person: the person themselves, or an admin, may ask."""
        employee = self._own(session, external_id, actor, verb="export")
        now = utcnow()
        as_provider = self.engagements.of_person(
            session, provider_id=employee.id, requester_id=None, open_only=False, now=now, limit=10_000
        )
        as_requester = self.engagements.of_person(
            session, provider_id=None, requester_id=external_id, open_only=False, now=now, limit=10_000
        )
        requests = self.repo.requests_of(session, requester_id=external_id)
        return PersonalDataExport(
            generated_at=now,
            profile=to_read(employee),
            engagements_as_provider=[engagement_read(e, now=now) for e in as_provider],
            engagements_as_requester=[engagement_read(e, now=now) for e in as_requester],
            ratings_given=[_rating(r) for r in self.repo.ratings_given(session, requester_id=external_id)],
            ratings_received=[_rating(r) for r in self.repo.ratings_received(session, provider_id=employee.id)],
            match_requests=[
                RequestRecord(
                    id=r.id,
                    text=r.text,
                    language=r.language,
                    created_at=as_utc(r.created_at),
                    filters=dict(r.filters or {}),
                    results=n,
                    best_strength=_band(r.best_strength),
                )
                for r, n in requests
            ],
            match_appearances=[
                AppearanceRecord(
                    request_id=m.request_id,
                    at=as_utc(at),
                    rank=m.rank,
                    score=m.score,
                    components=dict(m.components or {}),
                    strength=_band(m.strength),
                )
                for m, at in self.repo.results_of(session, employee_id=employee.id)
            ],
            derived=self._derived(session, employee, now),
            notes=[
                "Request texts are kept for VELHO_RETENTION_DAYS days, then purged (shown as null).",
                "Each time you appear in a match, the stored result keeps your rank, score, its components and "
                "its match strength band (match_appearances); whose request it was is not shown.",
            ],
        )

    def erase(self, session: Session, *, external_id: str, actor: Actor) -> None:
        """Remove the person everywhere; others' history keeps the engagements, anonymised."""
        employee = self._own(session, external_id, actor, verb="erase")
        for stmt in self.repo.evidence_from_requests_of(session, requester_id=external_id):
            # Another provider's evidence is the erased person's request in their own words: it goes.
            session.delete(stmt)
            self.profile_repo.record_change(session, employee_id=stmt.employee_id)
        self.repo.anonymise_requester(session, requester_id=external_id)
        self.repo.anonymise_provider(session, provider_id=employee.id)
        session.flush()
        self.profiles.erase(session, external_id=external_id, actor=actor)
        logger.info("employee_erased employee=%d", employee.id)

    def purge_old_requests(self, session: Session, *, retention_days: int) -> int:
        """The retention sweep: forget request texts older than the retention period."""
        n = self.repo.purge_request_texts(session, before=utcnow() - timedelta(days=retention_days))
        if n:
            logger.info("request_texts_purged count=%d retention_days=%d", n, retention_days)
        return n

    def _own(self, session: Session, external_id: str, actor: Actor, *, verb: str) -> Employee:
        employee = self.profile_repo.get_by_external_id(session, external_id=external_id)
        if employee is None or (not employee.visible and not actor.may_see_hidden(external_id)):
            raise ProfileNotFound(f"no employee {external_id}")
        allowed = (
            actor.is_admin or actor.employee_id == external_id or (verb == "erase" and actor.may_edit(external_id))
        )
        if not allowed:
            raise NotProfileOwner(f"only {external_id} or an admin may {verb} this profile's data")
        return employee

    def _derived(self, session: Session, employee: Employee, now: datetime) -> DerivedRecord:
        w = self.weights
        stats = self.engagements.provider_stats(session, provider_ids=[employee.id], now=now).get(
            employee.id, ProviderStats()
        )
        total, n = self.engagements.rating_totals(session)
        org_mean = bayesian_average(total, n, prior_mean=w.quality_default_mean, prior_weight=w.quality_prior_weight)
        shrunk = (
            bayesian_average(
                stats.rating_total, stats.rating_count, prior_mean=org_mean, prior_weight=w.quality_prior_weight
            )
            if stats.rating_count
            else None
        )
        failures = stats.declines + w.expiry_weight * stats.expiries
        return DerivedRecord(
            engagements=stats.engagements,
            accepted=stats.accepts,
            declined=stats.declines,
            expired=stats.expiries,
            open_now=stats.open,
            capacity=employee.capacity,
            ratings_received=stats.rating_count,
            mean_rating=round(stats.rating_total / stats.rating_count, 3) if stats.rating_count else None,
            shrunk_rating=round(shrunk, 3) if shrunk is not None else None,
            acceptance_posterior=round(
                beta_posterior_mean(stats.accepts, failures, alpha=w.accept_prior_alpha, beta=w.accept_prior_beta), 3
            ),
            components={
                "quality": round(
                    quality_score(
                        stats.rating_total,
                        stats.rating_count,
                        org_mean=org_mean,
                        prior_weight=w.quality_prior_weight,
                        weight=w.quality_weight,
                    ),
                    6,
                ),
                "responsiveness": round(
                    responsiveness_score(
                        stats.accepts,
                        stats.declines,
                        stats.expiries,
                        alpha=w.accept_prior_alpha,
                        beta=w.accept_prior_beta,
                        expiry_weight=w.expiry_weight,
                        weight=w.responsiveness_weight,
                    ),
                    6,
                ),
                "load": round(load_penalty(stats.open, employee.capacity, start=w.load_start, weight=w.load_weight), 6),
            },
        )


_BANDS: dict[str, Strength] = {"strong": "strong", "fair": "fair", "weak": "weak"}


def _band(value: str | None) -> Strength | None:
    # A plain string column; NULL for requests ranked before bands were stored (or by BM25).
    return _BANDS.get(value or "")


def _rating(r: Rating) -> RatingRecord:
    return RatingRecord(
        engagement_id=r.engagement_id, score=r.score, comment=r.comment, created_at=as_utc(r.created_at)
    )
