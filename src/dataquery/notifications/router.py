"""/api/v1/notifications: one's own mail preferences (profile), and the send log (admin)."""

from __future__ import annotations

from fastapi import APIRouter

from dataquery.auth.deps import AdminUser, CurrentUser
from dataquery.core.db import DB
from dataquery.core.schemas import errors
from dataquery.notifications import service
from dataquery.notifications.schemas import Preferences, PreferencesOut, SentMail

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=errors(401, 403))


def _out(user: CurrentUser, language: str, kinds: dict[str, bool]) -> PreferencesOut:
    return PreferencesOut(
        language="kz" if language == "kz" else "ru",
        kinds={kind: bool(kinds.get(kind, True)) for kind in service.USER_KINDS},
        available=list(service.USER_KINDS),
        email=user.email,
    )


@router.get("/preferences", responses=errors(422))
def get_preferences(db: DB, user: CurrentUser) -> PreferencesOut:
    pref = service.preferences(db, user.username)
    return _out(user, pref.language, pref.kinds or {})


@router.put("/preferences", responses=errors(422))
def put_preferences(db: DB, user: CurrentUser, body: Preferences) -> PreferencesOut:
    """Which mails to get and in which language; unknown kinds are ignored."""
    pref = service.save_preferences(db, user.username, body.language, body.kinds)
    return _out(user, pref.language, pref.kinds or {})


@router.get("/log", responses=errors(422))
def sent_mails(db: DB, _: AdminUser) -> list[SentMail]:
    """The last 100 mails: sent, failed after retries (with the error) or skipped (no SMTP)."""
    return [SentMail.model_validate(entry) for entry in service.recent(db)]
