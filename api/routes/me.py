"""The signed-in employee's own view: their profile, a draft's preview, demand prompts, their offers and engagements."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.auth import access
from api.deps import ActorDep, SessionDep, VelhoDep
from api.errors import problem_responses
from matcher.feedback.schemas import EngagementRead
from matcher.insights.schemas import PreviewCreate, PreviewRead, PromptsRead
from profiles.errors import Forbidden
from profiles.schemas import ProfileRead
from profiles.service import to_read

router = APIRouter(prefix="/v1/me", tags=["me"])
EMPLOYEE = access("employee")


def _me(actor: ActorDep) -> str:
    if actor.employee_id is None:
        raise Forbidden("/v1/me is for an employee (a JWT, or a key acting for one)")
    return actor.employee_id


@router.get("", name="me.profile", response_model=ProfileRead, responses=problem_responses(401, 403, 404), **EMPLOYEE)
def my_profile(session: SessionDep, actor: ActorDep, velho: VelhoDep, response: Response) -> ProfileRead:
    """Your own profile, hidden or not (with its version as ETag, for `If-Match`)."""
    employee = velho.profiles.get(session, external_id=_me(actor), actor=actor)
    response.headers["ETag"] = f'"{employee.version}"'
    return to_read(employee)


@router.get(
    "/offers", name="me.offers", response_model=list[EngagementRead], responses=problem_responses(401, 403), **EMPLOYEE
)
def my_offers(session: SessionDep, actor: ActorDep, velho: VelhoDep) -> list[EngagementRead]:
    """Offers made to you that are still open (proposed or accepted), newest first: your inbox."""
    return velho.engagements.of_employee(session, employee_id=_me(actor), offers_only=True)


@router.get(
    "/engagements",
    name="me.engagements",
    response_model=list[EngagementRead],
    responses=problem_responses(401, 403),
    **EMPLOYEE,
)
def my_engagements(session: SessionDep, actor: ActorDep, velho: VelhoDep) -> list[EngagementRead]:
    """Every engagement you are part of, as provider or as requester, newest first."""
    return velho.engagements.of_employee(session, employee_id=_me(actor))


@router.post(
    "/preview",
    name="me.preview",
    response_model=PreviewRead,
    responses=problem_responses(401, 403, 404, 413, 422, 503),
    **EMPLOYEE,
)
def my_preview(session: SessionDep, actor: ActorDep, velho: VelhoDep, body: PreviewCreate) -> PreviewRead:
    """Which recent demand these draft strengths would be found by, as counts per topic (nothing is saved).

    A request counts when the draft would rank in its top 3 by relevance. Only counts and topic labels
    (drawn from employees' offers) are returned, never a request's text or who filed it; topics, and totals,
    below the insights minimum group size are hidden.
    """
    return velho.preview.preview(session, employee_id=_me(actor), draft=body)


@router.get(
    "/prompts",
    name="me.prompts",
    response_model=PromptsRead,
    responses=problem_responses(401, 403, 404, 503),
    **EMPLOYEE,
)
def my_prompts(session: SessionDep, actor: ActorDep, velho: VelhoDep) -> PromptsRead:
    """Recent demand near your own strengths that found no well-rated help, as counts per topic.

    A request counts when someone else filed it in the last 30 days, no rating of its help reached 4
    and it was rated lower, never accepted, or accepted on a weak best match; you were not in its
    top 3 and your profile as it stands would still not be (at most the third-best other result's
    relevance); and your declared statements relate to it (at least `insights_prompt_share`, 0.3,
    of its best relevance). A topic counts only when its requests relate to your statements more
    than your average recent request does. If you can help with such a topic, say so plainly
    in your profile: ranking can only find what it reads. Only counts and topic labels are returned,
    at most 3 topics; topics below the insights minimum group are hidden, and a hidden profile gets none.
    """
    return velho.prompts.for_employee(session, employee_id=_me(actor))
