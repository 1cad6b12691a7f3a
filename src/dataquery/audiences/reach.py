"""Who a channel can reach, as SQL column expressions: the one set of rules that the audience
preview (live reachability) and a campaign's deploy (dry run, delivery lists) both apply.

push:  in the feature store, a non-empty p_sid, push enabled, and not opted out of the
       campaign's push event type (only when one is named);
sms:   in the feature store, a valid phone (+77 and 9 digits);
popup: everyone (the app shows it to whoever opens it: no one drops out).

Whether a row has a p_sid and a valid phone is decided in `datasets.reach_index`, which also
keeps the answers in the feature store. Each channel's rules are (test, reason) pairs in order:
the first true test is why a customer drops out. A deploy reads them as a CASE giving the reason
(NULL: stays), the preview as a CASE giving the reason's number (0: stays), cheaper to count.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dataquery.datasets.reach_index import has_p_sid, valid_phone

PUSH_REASONS = ("not_in_feature_store", "no_p_sid", "push_disabled", "opted_out")
SMS_REASONS = ("not_in_feature_store", "no_valid_phone")
REASONS: dict[str, tuple[str, ...]] = {"push": PUSH_REASONS, "sms": SMS_REASONS, "popup": ()}
# What the preview carries of the feature store for the rules: a p_sid is read only as "has
# one" (a boolean is cheaper to carry through the funnel than the string), the phone as is;
# with the reach index (datasets.reach_index) its column instead of both.
REACH_COLUMNS = ("has_p_sid", "phone", "push_enabled")

Predicate = sa.ColumnElement[bool]
Expression = sa.ColumnElement[Any]
Rules = list[tuple[Predicate, str]]


def push_rules(
    in_store: Predicate,
    p_sid_ok: Predicate,
    push_enabled: Expression,
    opted_out: Predicate | None = None,
) -> Rules:
    """(test, reason) in order: the first true test is why a customer drops out of push.
    `opted_out`: whether it opted out of the campaign's push event type (None: none named)."""
    rules: Rules = [
        (sa.not_(in_store), "not_in_feature_store"),
        (sa.not_(p_sid_ok), "no_p_sid"),
        (sa.not_(sa.func.coalesce(push_enabled, sa.false())), "push_disabled"),
    ]
    if opted_out is not None:
        rules.append((opted_out, "opted_out"))
    return rules


def sms_rules(in_store: Predicate, phone_ok: Predicate) -> Rules:
    return [(sa.not_(in_store), "not_in_feature_store"), (sa.not_(phone_ok), "no_valid_phone")]


def reason_of(rules: Rules) -> Expression:
    """The first reason that applies, NULL when none does (the customer stays)."""
    return sa.case(*rules, else_=sa.null())


def code_of(rules: Rules, reasons: tuple[str, ...]) -> Expression:
    """The first reason that applies as its 1-based position in `reasons`, 0 when none does:
    an integer is cheaper to group by than a string."""
    whens: list[tuple[Predicate, Expression]] = [
        (test, sa.literal_column(str(reasons.index(reason) + 1))) for test, reason in rules
    ]
    return sa.case(*whens, else_=sa.literal_column("0"))


def reason_at(code: int, reasons: tuple[str, ...]) -> str | None:
    """The reason of a `code_of` value (None: stays)."""
    return reasons[code - 1] if code else None


def push_reason(
    in_store: Predicate,
    p_sid: Expression,
    push_enabled: Expression,
    opted_out: Predicate | None = None,
) -> Expression:
    """Why a customer drops out of push (the first reason), NULL when it stays."""
    return reason_of(push_rules(in_store, has_p_sid(p_sid), push_enabled, opted_out))


def sms_reason(in_store: Predicate, phone: Expression) -> Expression:
    """Why a customer drops out of SMS, NULL when it stays."""
    return reason_of(sms_rules(in_store, valid_phone(phone)))


def opted_out_of(optouts: sa.TableClause, event_type: str, name: str = "opted") -> sa.Subquery:
    """The IINs (distinct) that opted out of one push event type: a LEFT JOIN target."""
    return (
        sa.select(optouts.c.iin).where(optouts.c.event_type == event_type).distinct().subquery(name)
    )
