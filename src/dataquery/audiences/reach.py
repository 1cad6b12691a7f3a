"""Who a channel can reach, as SQL column expressions: the one set of rules that the audience
preview (live reachability) and a campaign's deploy (dry run, delivery lists) both apply.

push:  in the feature store, a non-empty p_sid, push enabled, and not opted out of the
       campaign's push event type (only when one is named);
sms:   in the feature store, a valid phone (+77 and 9 digits);
popup: everyone (the app shows it to whoever opens it: no one drops out).

Each rule is a CASE giving the first reason a customer drops out, or NULL when it stays.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

PHONE_PATTERN = r"^\+77[0-9]{9}$"
PUSH_REASONS = ("not_in_feature_store", "no_p_sid", "push_disabled", "opted_out")
SMS_REASONS = ("not_in_feature_store", "no_valid_phone")
REASONS: dict[str, tuple[str, ...]] = {"push": PUSH_REASONS, "sms": SMS_REASONS, "popup": ()}
# The feature-store columns the rules read.
REACH_COLUMNS = ("p_sid", "phone", "push_enabled")

Predicate = sa.ColumnElement[bool]
Expression = sa.ColumnElement[Any]


def push_reason(
    in_store: Predicate,
    p_sid: Expression,
    push_enabled: Expression,
    opted_out: Predicate | None = None,
) -> Expression:
    """Why a customer drops out of push (the first reason), NULL when it stays. `opted_out`:
    whether it opted out of the campaign's push event type (None: the campaign names none)."""
    rules: list[tuple[Predicate, str]] = [
        (sa.not_(in_store), "not_in_feature_store"),
        (sa.or_(p_sid.is_(None), p_sid == ""), "no_p_sid"),
        (sa.not_(sa.func.coalesce(push_enabled, sa.false())), "push_disabled"),
    ]
    if opted_out is not None:
        rules.append((opted_out, "opted_out"))
    return sa.case(*rules, else_=sa.null())


def sms_reason(in_store: Predicate, phone: Expression) -> Expression:
    """Why a customer drops out of SMS, NULL when it stays."""
    phone_ok = sa.func.coalesce(phone, "").regexp_match(PHONE_PATTERN)
    return sa.case(
        (sa.not_(in_store), "not_in_feature_store"),
        (sa.not_(phone_ok), "no_valid_phone"),
        else_=sa.null(),
    )


def opted_out_of(optouts: sa.TableClause, event_type: str, name: str = "opted") -> sa.Subquery:
    """The IINs (distinct) that opted out of one push event type: a LEFT JOIN target."""
    return (
        sa.select(optouts.c.iin).where(optouts.c.event_type == event_type).distinct().subquery(name)
    )
