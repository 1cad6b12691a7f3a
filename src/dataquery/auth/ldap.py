"""Check a username and password against the bank's LDAP directory.

Two modes, chosen by settings:

- search-then-bind: bind as the service account (or anonymously when none is configured),
  search `ldap_user_base_dn` with `ldap_user_filter`, require exactly one entry, then bind as
  that entry's DN with the password on a fresh connection;
- DN template (`ldap_user_dn_template`): bind directly as the templated DN, no search.

Wrong credentials and unknown users give None; an unreachable, slow or misconfigured directory
raises ServiceUnavailable. The whole exchange is bounded by `ldap_timeout_seconds`. Blocking:
call from plain `def` endpoints, never inside `async def`.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from ldap3 import BASE, NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.core.results import (
    RESULT_BUSY,
    RESULT_INVALID_CREDENTIALS,
    RESULT_SIZE_LIMIT_EXCEEDED,
    RESULT_SUCCESS,
    RESULT_UNAVAILABLE,
)
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from dataquery.core.config import Settings
from dataquery.core.errors import ServiceUnavailable
from dataquery.core.logging import get_logger

log = get_logger(__name__)

# Usernames are plain account names; anything else never reaches the directory.
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,100}")
USER_ATTRIBUTES = ("displayName", "cn", "mail")
_DIRECTORY_DOWN_CODES = {RESULT_BUSY, RESULT_UNAVAILABLE}


@dataclass(frozen=True)
class DirectoryUser:
    username: str
    dn: str
    display_name: str | None
    email: str | None


class _Deadline:
    """One time budget shared by every network step of a sign-in."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise ServiceUnavailable(
                "directory unavailable: it did not answer in time",
                code="auth.directory.unavailable",
            )
        return left


def ldap_authenticate(settings: Settings, username: str, password: str) -> DirectoryUser | None:
    """None when the credentials are wrong or the user is unknown. Raises
    ServiceUnavailable("directory unavailable ...") when the directory cannot be reached or
    times out — never hangs longer than settings.ldap_timeout_seconds (connect + receive)."""
    # An empty password would be an unauthenticated bind, which LDAP servers report as success.
    if not password:
        return None
    if not USERNAME_PATTERN.fullmatch(username):
        return None
    deadline = _Deadline(settings.ldap_timeout_seconds)
    try:
        if settings.ldap_user_dn_template:
            return _authenticate_by_template(settings, deadline, username, password)
        return _authenticate_by_search(settings, deadline, username, password)
    except (LDAPException, OSError) as error:
        # ldap3's messages carry no credentials; the password is never logged.
        log.warning(
            "ldap_unavailable",
            url=settings.ldap_url,
            username=username,
            error_type=type(error).__name__,
            error=str(error),
        )
        raise ServiceUnavailable(
            f"directory unavailable ({type(error).__name__}); try again later",
            code="auth.directory.unavailable",
        ) from error


def _authenticate_by_template(
    settings: Settings, deadline: _Deadline, username: str, password: str
) -> DirectoryUser | None:
    assert settings.ldap_user_dn_template is not None
    dn = settings.ldap_user_dn_template.replace("{username}", escape_rdn(username))
    with _connection(settings, deadline, dn, password) as connection:
        if not _bind(connection, deadline):
            _raise_if_directory_down(connection, "bind")
            log.info("ldap_bind_rejected", username=username, result=_result_code(connection))
            return None
        # Read the person's own entry for the name and email; not being allowed to is no failure.
        _apply_receive_timeout(connection, deadline)
        connection.search(dn, "(objectClass=*)", BASE, attributes=list(USER_ATTRIBUTES))
        entries = _entries(connection)
    return _directory_user(username, dn, entries[0][1] if entries else {})


def _authenticate_by_search(
    settings: Settings, deadline: _Deadline, username: str, password: str
) -> DirectoryUser | None:
    bind_dn = settings.ldap_bind_dn
    bind_password = (
        settings.ldap_bind_password.get_secret_value() if settings.ldap_bind_password else None
    )
    if bind_dn and not bind_password:
        raise ServiceUnavailable(
            "directory service account has no password; set DQ_LDAP_BIND_PASSWORD",
            code="auth.directory.misconfigured",
        )
    search_filter = settings.ldap_user_filter.replace("{username}", escape_filter_chars(username))
    with _connection(settings, deadline, bind_dn, bind_password) as service:
        if not _bind(service, deadline):
            _raise_if_directory_down(service, "service bind")
            log.error("ldap_service_bind_rejected", bind_dn=bind_dn, result=_result_code(service))
            raise ServiceUnavailable(
                "directory service account rejected; check DQ_LDAP_BIND_DN and "
                "DQ_LDAP_BIND_PASSWORD",
                code="auth.directory.misconfigured",
            )
        _apply_receive_timeout(service, deadline)
        # Two is enough to tell "exactly one" from "ambiguous".
        service.search(
            settings.ldap_user_base_dn,
            search_filter,
            SUBTREE,
            attributes=list(USER_ATTRIBUTES),
            size_limit=2,
        )
        code = _result_code(service)
        if code not in (RESULT_SUCCESS, RESULT_SIZE_LIMIT_EXCEEDED):
            _raise_if_directory_down(service, "search")
            log.error("ldap_search_failed", base_dn=settings.ldap_user_base_dn, result=code)
            raise ServiceUnavailable(
                f"directory search failed ({service.result.get('description')}) "
                f"as {bind_dn or 'anonymous'}; check DQ_LDAP_USER_BASE_DN, DQ_LDAP_USER_FILTER "
                "and DQ_LDAP_BIND_DN",
                code="auth.directory.misconfigured",
            )
        entries = _entries(service)
    if len(entries) != 1:
        if entries:
            log.warning("ldap_user_ambiguous", username=username, matches=len(entries))
        return None
    dn, attributes = entries[0]
    with _connection(settings, deadline, dn, password) as user_connection:
        if not _bind(user_connection, deadline):
            _raise_if_directory_down(user_connection, "bind")
            log.info("ldap_bind_rejected", username=username, result=_result_code(user_connection))
            return None
    return _directory_user(username, dn, attributes)


@contextmanager
def _connection(
    settings: Settings, deadline: _Deadline, user: str | None, password: str | None
) -> Iterator[Connection]:
    """An open connection (TLS started when configured), not yet bound."""
    use_ssl = settings.ldap_url.lower().startswith("ldaps://")
    tls = None
    if use_ssl or settings.ldap_start_tls:
        tls = Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=str(settings.ldap_ca_file) if settings.ldap_ca_file else None,
        )
    server = Server(
        settings.ldap_url,
        use_ssl=use_ssl,
        tls=tls,
        get_info=NONE,
        connect_timeout=deadline.remaining(),
    )
    # receive_timeout stays None: ldap3 packs it into SO_RCVTIMEO as an integer and fails on a
    # float. The socket keeps connect_timeout instead, and every step narrows it to what is left.
    connection = Connection(
        server,
        user=user,
        password=password,
        authentication=SIMPLE if user else None,
        auto_bind=False,
        auto_referrals=False,
        read_only=True,
        raise_exceptions=False,
    )
    try:
        connection.open()
        if settings.ldap_start_tls and not use_ssl:
            _apply_receive_timeout(connection, deadline)
            if not connection.start_tls():
                raise ServiceUnavailable(
                    f"directory unavailable: StartTLS refused ({connection.result})",
                    code="auth.directory.unavailable",
                )
        yield connection
    finally:
        # An unbind on a dead socket fails; there is nothing left to release then.
        with suppress(LDAPException, OSError):
            connection.unbind()


def _apply_receive_timeout(connection: Connection, deadline: _Deadline) -> None:
    sock = connection.socket
    if sock is not None:
        sock.settimeout(deadline.remaining())


def _bind(connection: Connection, deadline: _Deadline) -> bool:
    _apply_receive_timeout(connection, deadline)
    return bool(connection.bind())


def _result_code(connection: Connection) -> int | None:
    result = connection.result
    code = result.get("result") if isinstance(result, Mapping) else None
    return code if isinstance(code, int) else None


def _raise_if_directory_down(connection: Connection, step: str) -> None:
    code = _result_code(connection)
    if code in _DIRECTORY_DOWN_CODES or (code is None and connection.closed):
        raise ServiceUnavailable(
            f"directory unavailable: {step} got no answer (result {code})",
            code="auth.directory.unavailable",
        )
    if code not in (RESULT_INVALID_CREDENTIALS, None):
        log.warning("ldap_unexpected_result", step=step, result=code)


def _entries(connection: Connection) -> list[tuple[str, Mapping[str, Any]]]:
    response = connection.response or []
    return [
        (item["dn"], item.get("attributes") or {})
        for item in response
        if item.get("type") == "searchResEntry"
    ]


def _first_value(attributes: Mapping[str, Any], name: str) -> str | None:
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _directory_user(username: str, dn: str, attributes: Mapping[str, Any]) -> DirectoryUser:
    return DirectoryUser(
        username=username,
        dn=dn,
        display_name=_first_value(attributes, "displayName") or _first_value(attributes, "cn"),
        email=_first_value(attributes, "mail"),
    )
