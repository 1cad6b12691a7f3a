"""/api/v1/audiences: build (options, default spec, preview, explain), save, versions, list, get,
delete.

Previewing and explaining only read: every signed-in role may do it. Saving needs an analyst;
saved audiences and uploads are their owner's (admins see and delete all): to anyone else
they are missing, 404 here and an unknown name (422) inside a spec (`audiences.access`,
`datasets.access`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from dataquery.audiences import service
from dataquery.audiences.schemas import (
    AudienceCreate,
    AudienceList,
    AudienceOut,
    AudienceSummary,
    AudienceVersion,
    AudienceVersionCreate,
    ExplainOut,
    ExplainRequest,
    OptionsOut,
    PreviewOut,
    PreviewRequest,
)
from dataquery.audiences.spec import AudienceSpec, default_spec
from dataquery.audit.service import NOT_AUDITED, audit_context
from dataquery.auth.deps import AnalystUser, CurrentUser
from dataquery.core import metrics
from dataquery.core.db import DB
from dataquery.core.schemas import errors

router = APIRouter(
    prefix="/audiences", tags=["audiences"], responses=errors(401, 403, 404, 409, 422)
)


def _viewer(user: CurrentUser) -> service.Viewer:
    viewer = service.viewer_of(user)
    assert viewer is not None
    return viewer


@router.get("/options")
def audience_options(db: DB, user: CurrentUser) -> OptionsOut:
    """Lists with sizes, uploads, product codes, score columns, streams, filials, push types,
    channels, the caller's saved audiences and the default spec: one call feeds the builder."""
    return service.options(db, _viewer(user))


@router.get("/default-spec")
def audience_default_spec(_: CurrentUser) -> AudienceSpec:
    """A new spec: every customer minus the global control group (on by default)."""
    return default_spec()


@router.post("/preview", dependencies=[NOT_AUDITED])
def preview_audience(
    request: Request, db: DB, user: CurrentUser, body: PreviewRequest
) -> PreviewOut:
    """The exact funnel (removed and remaining per step), size, 20 sample rows, the
    distributions of the final audience, how many each channel reaches (the deploy's rules)
    and how many are already in deployed campaigns not ended by the reference date. Reads
    only."""
    with metrics.track_query("audience.preview", user.username) as timer:
        result = service.preview(
            db,
            body.spec,
            _viewer(user),
            sample=body.sample,
            distributions=body.distributions,
            reachability=body.reachability,
            push_event_type=body.push_event_type,
            overlap=body.overlap,
        )
        timer.rows = result.size
    audit_context(request).summary = {"size": result.size, "steps": len(result.funnel)}
    return result


@router.post("/explain", dependencies=[NOT_AUDITED])
def explain_spec(request: Request, db: DB, user: CurrentUser, body: ExplainRequest) -> ExplainOut:
    """Which steps of the spec remove this IIN (each tested on its own), or that it is in."""
    with metrics.track_query("audience.explain", user.username):
        result = service.explain(db, body.spec, body.iin, _viewer(user))
    audit_context(request).target = f"iin={result.iin}"
    return result


@router.post("", status_code=status.HTTP_201_CREATED)
def save_audience(request: Request, db: DB, user: AnalystUser, body: AudienceCreate) -> AudienceOut:
    """Compute the spec and freeze its IINs as a snapshot: what a campaign will deploy."""
    with metrics.track_query("audience.save", user.username) as timer:
        audience = service.save(db, user, body)
        timer.rows = audience.size
    context = audit_context(request)
    context.target = f"audience={audience.id}"
    context.summary = {"name": audience.name, "size": audience.size}
    return AudienceOut.model_validate(audience)


@router.get("")
def list_audiences(
    db: DB,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name.")] = None,
    owner: Annotated[str | None, Query(max_length=100, description="Admins: one owner's.")] = None,
    all_versions: Annotated[
        bool, Query(description="Every version, not only the newest of each audience.")
    ] = False,
) -> AudienceList:
    """Your saved audiences, newest first (admins: everyone's): the newest version of each."""
    items, total = service.list_audiences(
        db,
        _viewer(user),
        limit=limit,
        offset=offset,
        search=q,
        owner=owner,
        all_versions=all_versions,
    )
    return AudienceList(
        items=[AudienceSummary.model_validate(a) for a in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{audience_id}")
def get_audience(db: DB, user: CurrentUser, audience_id: str) -> AudienceOut:
    return AudienceOut.model_validate(service.get_audience(db, _viewer(user), audience_id))


@router.post("/{audience_id}/versions", status_code=status.HTTP_201_CREATED, responses=errors(409))
def save_audience_version(
    request: Request, db: DB, user: AnalystUser, audience_id: str, body: AudienceVersionCreate
) -> AudienceOut:
    """Save a changed spec as the next version of this audience (owner or admin): a new frozen
    snapshot; the versions before and the campaigns built on them stay as they are."""
    audience = service.save_version(db, user, audience_id, body)
    context = audit_context(request)
    context.target = f"audience={audience.id}"
    context.summary = {
        "name": audience.name,
        "size": audience.size,
        "family_id": audience.family_id,
        "version": audience.version,
        "from": audience_id,
    }
    return AudienceOut.model_validate(audience)


@router.get("/{audience_id}/versions")
def list_audience_versions(db: DB, user: CurrentUser, audience_id: str) -> list[AudienceVersion]:
    """Every version of this audience, oldest first, with the campaigns that use each."""
    return service.list_versions(db, _viewer(user), audience_id)


@router.delete("/{audience_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_audience(request: Request, db: DB, user: AnalystUser, audience_id: str) -> Response:
    """Delete a saved audience and its snapshot (owner or admin; not while a campaign uses it)."""
    audience = service.delete_audience(db, _viewer(user), audience_id)
    context = audit_context(request)
    context.target = f"audience={audience.id}"
    context.summary = {"name": audience.name, "size": audience.size}
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{audience_id}/explain")
def explain_saved(
    db: DB,
    user: CurrentUser,
    audience_id: str,
    iin: Annotated[str, Query(min_length=1, max_length=40)],
) -> ExplainOut:
    """The saved spec evaluated as saved (its reference date) on today's data, and whether the
    IIN is in the frozen snapshot."""
    return service.explain_saved(db, _viewer(user), audience_id, iin)
