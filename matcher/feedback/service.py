"""`EngagementService`: the engagement lifecycle and its rules. Never commits: the caller's unit of work does.

    proposed ──accept──► accepted ──complete──► completed ──rating (once)
       │  └──decline──► declined
       │  └──(offer time passes)──► expired
       └──────cancel (from proposed or accepted)──► cancelled

Repeating the transition an engagement already went through changes nothing and succeeds
(retries are safe); any other transition out of a final state is a 409.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from embeddings.encoder import Encoder
from matcher.feedback.effects import at_capacity
from matcher.feedback.errors import (
    AlreadyRated,
    EngagementNotFound,
    IllegalTransition,
    InvalidRating,
    NotAParty,
    NotOffered,
    ProviderNotFound,
    ProviderUnavailable,
    RequestNotFound,
)
from matcher.feedback.models import Engagement, EngagementStatus, Rating
from matcher.feedback.repository import EngagementRepository
from matcher.feedback.schemas import EngagementRead, to_read
from matcher.feedback.weights import FeedbackWeights
from matcher.matching.models import HelpRequest
from matcher.matching.repository import RequestRepository
from profiles.actor import Actor
from profiles.embedding import embed_statements, new_statement
from profiles.events import note_event
from profiles.models import Availability, StatementKind, as_utc, utcnow
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)

Role = Literal["requester", "provider"]
Clock = Callable[[], datetime]

# Evidence statements sort after any declared statement in a profile.
EVIDENCE_POSITION = 10_000

# action: (statuses it may start from, status it leads to, timestamp it sets, who may do it)
TRANSITIONS: dict[str, tuple[frozenset[EngagementStatus], EngagementStatus, str, tuple[Role, ...]]] = {
    "accept": (frozenset({EngagementStatus.proposed}), EngagementStatus.accepted, "accepted_at", ("provider",)),
    "decline": (frozenset({EngagementStatus.proposed}), EngagementStatus.declined, "declined_at", ("provider",)),
    "complete": (
        frozenset({EngagementStatus.accepted}),
        EngagementStatus.completed,
        "completed_at",
        ("requester", "provider"),
    ),
    "cancel": (
        frozenset({EngagementStatus.proposed, EngagementStatus.accepted}),
        EngagementStatus.cancelled,
        "cancelled_at",
        ("requester", "provider"),
    ),
}


class EngagementService:
    """Propose, accept, decline, complete, cancel and rate engagements."""

    def __init__(
        self,
        encoder: Encoder,
        weights: FeedbackWeights,
        *,
        repository: EngagementRepository | None = None,
        profiles: ProfileRepository | None = None,
        requests: RequestRepository | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.encoder = encoder
        self.weights = weights
        self.repo = repository or EngagementRepository()
        self.profiles = profiles or ProfileRepository()
        self.requests = requests or RequestRepository()
        # Injectable so the simulation (and tests) can run in simulated time.
        self.clock = clock

    def now(self) -> datetime:
        """The current time in UTC."""
        return as_utc(self.clock())

    # -- reads ------------------------------------------------------------------------------
    def get(self, session: Session, *, engagement_id: int, actor: Actor) -> EngagementRead:
        """One engagement as it stands now: an unanswered offer past its time reads as expired
        (the periodic sweep records that; a read never writes). An employee sees only their own."""
        engagement = self._load(session, engagement_id)
        if actor.is_employee and actor.employee_id not in _parties(engagement):
            raise EngagementNotFound(f"no engagement {engagement_id}")  # not revealed to others
        return to_read(engagement, now=self.now())

    def of_employee(self, session: Session, *, employee_id: str, offers_only: bool = False) -> list[EngagementRead]:
        """An employee's engagements, newest first: as provider and as requester, or only the offers
        made to them that are still open (their inbox)."""
        provider = self.profiles.get_by_external_id(session, external_id=employee_id)
        rows = self.repo.of_person(
            session,
            provider_id=provider.id if provider is not None else None,
            requester_id=None if offers_only else employee_id,
            open_only=offers_only,
            now=self.now(),
        )
        return [to_read(e, now=self.now()) for e in rows]

    def expire_due(self, session: Session) -> int:
        """The periodic sweep: mark every unanswered offer past its time as expired; returns how many."""
        expired = self.repo.expire_due(session, now=self.now())
        for engagement in expired:
            note_event(session, "engagement.expired", event_data(engagement))
        if expired:
            logger.info("engagements_expired count=%d", len(expired))
        return len(expired)

    # -- lifecycle --------------------------------------------------------------------------
    def propose(
        self, session: Session, *, request_id: str, provider_id: str, actor: Actor, actor_id: str | None = None
    ) -> tuple[Engagement, bool]:
        """Offer a stored request to one of the providers it returned; returns (engagement, created).

        Args:
            request_id: the `request_id` a match returned.
            provider_id: external id of one of that match's providers.
            actor: the authenticated caller; `actor_id` names the requester when an admin acts for them.

        Proposing the same pair again returns the existing engagement unchanged, unless the
        provider declined it (or let it expire): then it is a 409, as is a provider at capacity.
        """
        request = self.requests.get(session, request_id=request_id)
        if request is None:
            raise RequestNotFound(f"no match request {request_id}")
        self._check_party(actor, actor_id, ("requester",), request=request, provider_external_id=None)
        # Lock the provider row (PostgreSQL) so concurrent offers cannot overrun capacity.
        provider = self.profiles.get_by_external_id(session, external_id=provider_id, for_update=True)
        if provider is None:
            raise ProviderNotFound(f"no employee {provider_id}")
        now = self.now()
        existing = self.repo.get_by_pair(session, request_id=request.id, provider_id=provider.id)
        if existing is not None:
            self._expire_if_due(existing)
            if existing.status in (EngagementStatus.declined, EngagementStatus.expired):
                raise ProviderUnavailable(f"{provider_id} {existing.status} this request; propose someone else")
            if existing.status == EngagementStatus.cancelled:
                raise IllegalTransition(f"the engagement of {provider_id} on this request was cancelled")
            return existing, False
        if not any(r.employee_id == provider.id for r in request.results):
            raise NotOffered(f"{provider_id} was not among the results of request {request_id}")
        if (
            request.requester_id is not None
            and request.text is not None
            and provider.id
            in self.repo.declined_same_request(session, requester_id=request.requester_id, text=request.text)
        ):
            raise ProviderUnavailable(f"{provider_id} already declined this request")
        if not provider.visible or provider.availability == Availability.unavailable:
            raise ProviderUnavailable(f"{provider_id} is not taking requests")
        load = self.repo.open_loads(session, now=now, provider_ids=[provider.id]).get(provider.id, 0)
        if at_capacity(load, provider.capacity):
            raise ProviderUnavailable(f"{provider_id} is at capacity ({load} of {provider.capacity} open)")
        engagement = Engagement(
            request_id=request.id,
            provider_id=provider.id,
            status=EngagementStatus.proposed,
            proposed_at=now,
            expires_at=now + timedelta(hours=self.weights.offer_ttl_hours),
        )
        engagement.request = request
        engagement.provider = provider
        engagement.rating = None
        self.repo.add(session, engagement=engagement)
        session.flush()  # a concurrent identical offer fails here: 409 via the unit of work
        note_event(session, "engagement.proposed", event_data(engagement))
        logger.info("engagement_proposed id=%d request=%s provider=%d", engagement.id, request.id, provider.id)
        return engagement, True

    def accept(
        self, session: Session, *, engagement_id: int, actor: Actor, actor_id: str | None = None
    ) -> tuple[Engagement, bool]:
        """The provider takes the request; returns (engagement, changed)."""
        return self._transition(session, engagement_id, "accept", actor, actor_id)

    def decline(
        self,
        session: Session,
        *,
        engagement_id: int,
        actor: Actor,
        actor_id: str | None = None,
        reason: str | None = None,
        outside_skills: bool = False,
    ) -> tuple[Engagement, bool]:
        """The provider declines (optionally saying why, or that it is outside their skills); the
        requester is never offered them again for it."""
        return self._transition(
            session, engagement_id, "decline", actor, actor_id, reason=reason, outside_skills=outside_skills
        )

    def complete(
        self, session: Session, *, engagement_id: int, actor: Actor, actor_id: str | None = None
    ) -> tuple[Engagement, bool]:
        """Requester or provider marks accepted help as done."""
        return self._transition(session, engagement_id, "complete", actor, actor_id)

    def cancel(
        self,
        session: Session,
        *,
        engagement_id: int,
        actor: Actor,
        actor_id: str | None = None,
        reason: str | None = None,
    ) -> tuple[Engagement, bool]:
        """Requester or provider calls off a proposed or accepted engagement."""
        return self._transition(session, engagement_id, "cancel", actor, actor_id, reason=reason)

    def rate(
        self,
        session: Session,
        *,
        engagement_id: int,
        score: int,
        comment: str | None = None,
        actor: Actor,
        actor_id: str | None = None,
    ) -> tuple[Engagement, bool]:
        """The requester rates a completed engagement, once; returns (engagement, created).

        The identical rating sent again is accepted unchanged; a different one is a 409. A score of
        at least `evidence_min_rating` adds the request as an evidence statement of the provider.
        """
        if not 1 <= score <= 5:
            raise InvalidRating("score must be 1 to 5", field="score")
        engagement = self._load(session, engagement_id, for_update=True)
        self._check_party(
            actor,
            actor_id,
            ("requester",),
            request=engagement.request,
            provider_external_id=_provider_id(engagement),
        )
        if engagement.rating is not None:
            if engagement.rating.score == score and engagement.rating.comment == comment:
                return engagement, False
            raise AlreadyRated(f"engagement {engagement_id} was already rated {engagement.rating.score}")
        if engagement.status != EngagementStatus.completed:
            raise IllegalTransition(f"only completed engagements can be rated; this one is {engagement.status}")
        engagement.rating = Rating(
            engagement_id=engagement.id,
            provider_id=engagement.provider_id,
            score=score,
            comment=comment,
            created_at=self.now(),
        )
        session.flush()
        note_event(session, "engagement.rated", event_data(engagement) | {"score": score})
        if self.weights.enabled and score >= self.weights.evidence_min_rating and engagement.request.text:
            self._add_evidence(session, engagement, score)
        logger.info("engagement_rated id=%d provider=%d score=%d", engagement.id, engagement.provider_id, score)
        return engagement, True

    # -- internals --------------------------------------------------------------------------
    def _load(self, session: Session, engagement_id: int, *, for_update: bool = False) -> Engagement:
        engagement = self.repo.get(session, engagement_id=engagement_id, for_update=for_update)
        if engagement is None:
            raise EngagementNotFound(f"no engagement {engagement_id}")
        return engagement

    def _expire_if_due(self, engagement: Engagement) -> None:
        if engagement.status == EngagementStatus.proposed and as_utc(engagement.expires_at) <= self.now():
            engagement.status = EngagementStatus.expired
            engagement.expired_at = engagement.expires_at

    def _transition(
        self,
        session: Session,
        engagement_id: int,
        action: str,
        actor: Actor,
        actor_id: str | None,
        *,
        reason: str | None = None,
        outside_skills: bool = False,
    ) -> tuple[Engagement, bool]:
        sources, target, stamp, roles = TRANSITIONS[action]
        engagement = self._load(session, engagement_id, for_update=True)
        self._check_party(
            actor, actor_id, roles, request=engagement.request, provider_external_id=_provider_id(engagement)
        )
        self._expire_if_due(engagement)
        if engagement.status == target:
            return engagement, False  # a retry: nothing changes
        if engagement.status not in sources:
            raise IllegalTransition(f"cannot {action} an engagement that is {engagement.status}")
        engagement.status = target
        setattr(engagement, stamp, self.now())
        if action == "decline":
            engagement.decline_reason = reason
            engagement.outside_skills = outside_skills
        elif action == "cancel":
            engagement.cancel_reason = reason
        if action in ("complete", "cancel"):
            engagement.closed_by = self._role_of(actor, actor_id, engagement) or "admin"
        session.flush()
        note_event(session, f"engagement.{target}", event_data(engagement))
        logger.info("engagement_%s id=%d provider=%s", target, engagement.id, engagement.provider_id)
        return engagement, True

    def _party(self, actor: Actor, actor_id: str | None) -> str | None:
        """The employee acting: the signed-in one (or the one a key acts for), or whoever an admin names.

        Only an admin may name someone in `actor_id`; anyone else naming another person is refused,
        so an employee can never act as a colleague.
        """
        if actor.is_employee:
            if actor_id is not None and actor_id != actor.employee_id:
                raise NotAParty("you may act only as yourself")
            return actor.employee_id
        if actor.is_admin:
            return actor_id
        if actor_id is not None:
            raise NotAParty("an integration acts for an employee with X-Velho-Acting-Employee, not actor_id")
        return None

    def _role_of(self, actor: Actor, actor_id: str | None, engagement: Engagement) -> Role | None:
        party = self._party(actor, actor_id)
        if party is None:
            return None
        if party == _provider_id(engagement):
            return "provider"
        return "requester" if party == engagement.request.requester_id else None

    def _check_party(
        self,
        actor: Actor,
        actor_id: str | None,
        roles: tuple[Role, ...],
        *,
        request: HelpRequest,
        provider_external_id: str | None,
    ) -> None:
        party = self._party(actor, actor_id)
        if party is None:
            if actor.is_admin:
                return  # an administrator acting without naming anyone
            raise NotAParty("this action needs an employee identity (act for one with X-Velho-Acting-Employee)")
        allowed = {"requester": request.requester_id, "provider": provider_external_id}
        if not any(allowed[r] is not None and allowed[r] == party for r in roles):
            raise NotAParty(f"only the {' or the '.join(roles)} may do this")

    def _add_evidence(self, session: Session, engagement: Engagement, score: int) -> None:
        """The request becomes an evidence statement of the provider, encoded as a document.

        Re-encoding the request text as a document (rather than reusing the stored request
        vector, which is a language-corrected *query* vector) keeps evidence in the same space as
        declared statements, and a model change re-embeds it from its text like any statement.
        """
        request = engagement.request
        if request.text is None or engagement.provider_id is None:
            return  # the text was purged, or the provider erased: nothing to learn from
        stmt = new_statement(
            text=request.text,
            level=None,
            language=request.language,
            position=EVIDENCE_POSITION,
            kind=StatementKind.evidence,
        )
        stmt.employee_id = engagement.provider_id
        stmt.source_engagement_id = engagement.id
        stmt.rating = score
        embed_statements(self.encoder, [stmt])
        existing = self.repo.evidence_of(session, provider_id=engagement.provider_id)
        surplus = len(existing) + 1 - self.weights.evidence_max_per_provider
        for old in existing[: max(surplus, 0)]:
            session.delete(old)  # oldest evidence goes first
        session.add(stmt)
        session.flush()
        # The index follows the change log, so the new vector is searchable after the commit.
        self.profiles.record_change(session, employee_id=engagement.provider_id)


def _provider_id(engagement: Engagement) -> str | None:
    """The provider's external id (None once the provider was erased)."""
    return engagement.provider.external_id if engagement.provider is not None else None


def _parties(engagement: Engagement) -> set[str | None]:
    return {_provider_id(engagement), engagement.request.requester_id}


def event_data(engagement: Engagement) -> dict[str, object]:
    """A webhook payload of an engagement: ids, status and timestamps, never free text."""
    stamps = ("proposed_at", "expires_at", "accepted_at", "declined_at", "expired_at", "completed_at", "cancelled_at")
    data: dict[str, object] = {
        "engagement_id": engagement.id,
        "request_id": engagement.request_id,
        "provider_id": _provider_id(engagement),
        "requester_id": engagement.request.requester_id,
        "status": str(engagement.status),
    }
    if engagement.status == EngagementStatus.declined:
        # A frontend may tell the requester "not their area" apart from "not now".
        data["outside_skills"] = engagement.outside_skills
    for name in stamps:
        value = getattr(engagement, name)
        if value is not None:
            data[name] = as_utc(value).isoformat()
    return data
