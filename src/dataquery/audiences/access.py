"""Who may see and use a saved audience: its owner and the administrators.

There is no sharing of saved audiences: an analyst builds, and deploys, from their own. The one
place that answers it, for the audience routes, specs built on a saved audience and campaigns
(create, edit, copy, split preview, deploy). Someone else's audience is answered exactly like a
missing one, so its id tells nothing about it (nor that it exists).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dataquery.audiences.models import Audience
from dataquery.core.errors import NotFound
from dataquery.datasets.access import Viewer

__all__ = ["Viewer", "find_visible_audience", "get_visible_audience", "may_see_audience"]


def may_see_audience(audience: Audience, viewer: Viewer | None) -> bool:
    """`viewer=None` is the operator (the CLI), who sees every saved audience."""
    return viewer is None or viewer.is_admin or audience.owner == viewer.username


def find_visible_audience(db: Session, viewer: Viewer | None, audience_id: str) -> Audience | None:
    """The saved audience, or None when it is missing or someone else's."""
    audience = db.get(Audience, audience_id)
    return audience if audience is not None and may_see_audience(audience, viewer) else None


def get_visible_audience(db: Session, viewer: Viewer | None, audience_id: str) -> Audience:
    """The saved audience, or 404 when it is missing or someone else's (the same answer)."""
    audience = find_visible_audience(db, viewer, audience_id)
    if audience is None:
        raise NotFound(
            f"there is no saved audience {audience_id!r}",
            code="audience.not_found",
            params={"audience_id": audience_id},
        )
    return audience
