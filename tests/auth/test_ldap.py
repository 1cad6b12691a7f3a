"""ldap_authenticate against a real slapd (see conftest.py), in both modes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import pytest
from pydantic import SecretStr

from dataquery.auth.ldap import DirectoryUser, ldap_authenticate
from dataquery.core.config import Settings
from dataquery.core.errors import ServiceUnavailable

MODES = ["search", "template"]


class LdapDirectory(Protocol):
    """What the `ldap_directory` fixture (tests/auth/conftest.py) offers."""

    url: str
    ldaps_url: str | None
    ca_file: Path | None
    bind_dn: str
    bind_password: str
    base_dn: str
    user_base_dn: str
    user_dn_template: str

    def stopped(self) -> AbstractContextManager[None]: ...


def make_settings(directory: LdapDirectory, mode: str = "search", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "ldap_url": directory.url,
        "ldap_start_tls": False,
        "ldap_ca_file": None,
        "ldap_bind_dn": directory.bind_dn,
        "ldap_bind_password": SecretStr(directory.bind_password),
        "ldap_user_base_dn": directory.user_base_dn,
        "ldap_user_filter": "(uid={username})",
        "ldap_user_dn_template": directory.user_dn_template if mode == "template" else None,
        "ldap_timeout_seconds": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def unanswering_port() -> Iterator[int]:
    """A port whose TCP handshake succeeds (kernel backlog) but which never says a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def unconnectable_port() -> Iterator[int]:
    """A port whose TCP handshake never completes: the listen queue is full, so Linux drops
    further SYNs and connect() waits until it times out."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port: int = listener.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        try:
            yield port
        finally:
            for filler in fillers:
                filler.close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("mode", MODES)
def test_right_password_returns_the_directory_user(
    ldap_directory: LdapDirectory, mode: str
) -> None:
    user = ldap_authenticate(make_settings(ldap_directory, mode), "alice", "alice-pass")

    assert user == DirectoryUser(
        username="alice",
        dn="uid=alice,ou=people,dc=bank,dc=kz",
        display_name="Alice Analyst",
        email="alice@bank.kz",
    )


@pytest.mark.parametrize("mode", MODES)
def test_display_name_is_preferred_to_cn_and_missing_mail_is_none(
    ldap_directory: LdapDirectory, mode: str
) -> None:
    user = ldap_authenticate(make_settings(ldap_directory, mode), "bob", "bob-pass")

    assert user is not None
    assert (user.display_name, user.email) == ("Bob B.", None)


@pytest.mark.parametrize("mode", MODES)
def test_a_directory_user_unknown_to_the_app_still_authenticates(
    ldap_directory: LdapDirectory, mode: str
) -> None:
    # The app's users table decides who may sign in; LDAP only checks the password.
    user = ldap_authenticate(make_settings(ldap_directory, mode), "dave", "dave-pass")

    assert user is not None and user.dn == "uid=dave,ou=people,dc=bank,dc=kz"


@pytest.mark.parametrize("mode", MODES)
def test_wrong_password_returns_none(ldap_directory: LdapDirectory, mode: str) -> None:
    settings = make_settings(ldap_directory, mode)

    assert ldap_authenticate(settings, "alice", "bob-pass") is None
    assert ldap_authenticate(settings, "carol", "carol-pass ") is None
    assert ldap_authenticate(settings, "carol", "carol-pass") is not None


@pytest.mark.parametrize("mode", MODES)
def test_unknown_user_returns_none(ldap_directory: LdapDirectory, mode: str) -> None:
    assert ldap_authenticate(make_settings(ldap_directory, mode), "mallory", "alice-pass") is None


@pytest.mark.parametrize("mode", MODES)
def test_empty_password_is_refused_without_asking_the_directory(
    ldap_directory: LdapDirectory, mode: str, closed_port: int
) -> None:
    # An empty password makes an unauthenticated bind, which slapd answers with success.
    assert ldap_authenticate(make_settings(ldap_directory, mode), "alice", "") is None
    # Nothing listens here: reaching the directory would raise ServiceUnavailable instead.
    offline = make_settings(ldap_directory, mode, ldap_url=f"ldap://127.0.0.1:{closed_port}")
    assert ldap_authenticate(offline, "alice", "") is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "username",
    [
        "*)(uid=*",
        "*",
        "alice)(|(uid=*",
        "uid=alice,ou=people",
        pytest.param("alice\x00", id="nul"),
        pytest.param("", id="empty"),
        "ali ce",
        "алиса",
        "a" * 101,
    ],
)
def test_usernames_outside_the_allowed_characters_return_none(
    ldap_directory: LdapDirectory, mode: str, username: str, closed_port: int
) -> None:
    assert ldap_authenticate(make_settings(ldap_directory, mode), username, "alice-pass") is None
    offline = make_settings(ldap_directory, mode, ldap_url=f"ldap://127.0.0.1:{closed_port}")
    assert ldap_authenticate(offline, username, "alice-pass") is None


def test_a_search_matching_two_entries_returns_none(ldap_directory: LdapDirectory) -> None:
    # "twin" exists under ou=people and ou=contractors; searching the suffix finds both.
    settings = make_settings(ldap_directory, ldap_user_base_dn=ldap_directory.base_dn)

    assert ldap_authenticate(settings, "twin", "twin-pass") is None
    assert ldap_authenticate(settings, "alice", "alice-pass") is not None


def test_custom_filter_is_applied(ldap_directory: LdapDirectory) -> None:
    settings = make_settings(
        ldap_directory, ldap_user_filter="(&(objectClass=inetOrgPerson)(mail={username}@bank.kz))"
    )

    user = ldap_authenticate(settings, "carol", "carol-pass")

    assert user is not None and user.dn == "uid=carol,ou=people,dc=bank,dc=kz"
    assert ldap_authenticate(settings, "bob", "bob-pass") is None  # bob has no mail


def test_wrong_service_account_password_raises(ldap_directory: LdapDirectory) -> None:
    settings = make_settings(ldap_directory, ldap_bind_password=SecretStr("not-the-password"))

    with pytest.raises(ServiceUnavailable, match="directory service account rejected"):
        ldap_authenticate(settings, "alice", "alice-pass")


def test_missing_search_base_raises(ldap_directory: LdapDirectory) -> None:
    settings = make_settings(ldap_directory, ldap_user_base_dn="ou=nobody,dc=bank,dc=kz")

    with pytest.raises(ServiceUnavailable, match="directory search failed"):
        ldap_authenticate(settings, "alice", "alice-pass")


@pytest.mark.parametrize("mode", MODES)
def test_directory_down_raises_quickly_and_recovers(
    ldap_directory: LdapDirectory, mode: str
) -> None:
    settings = make_settings(ldap_directory, mode, ldap_timeout_seconds=2.0)

    with ldap_directory.stopped():
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match="directory unavailable"):
            ldap_authenticate(settings, "alice", "alice-pass")
        assert time.monotonic() - started < 10

    assert ldap_authenticate(settings, "alice", "alice-pass") is not None


@pytest.mark.parametrize("mode", MODES)
def test_a_directory_that_never_answers_times_out(
    ldap_directory: LdapDirectory, mode: str, unanswering_port: int
) -> None:
    timeout = 0.5  # fractional on purpose: ldap3's own receive_timeout breaks on floats
    settings = make_settings(
        ldap_directory,
        mode,
        ldap_url=f"ldap://127.0.0.1:{unanswering_port}",
        ldap_timeout_seconds=timeout,
    )

    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="directory unavailable"):
        ldap_authenticate(settings, "alice", "alice-pass")
    assert time.monotonic() - started < timeout + 1


@pytest.mark.parametrize("mode", MODES)
def test_a_connection_that_never_opens_times_out(
    ldap_directory: LdapDirectory, mode: str, unconnectable_port: int
) -> None:
    timeout = 0.5
    settings = make_settings(
        ldap_directory,
        mode,
        ldap_url=f"ldap://127.0.0.1:{unconnectable_port}",
        ldap_timeout_seconds=timeout,
    )

    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="directory unavailable"):
        ldap_authenticate(settings, "alice", "alice-pass")
    assert time.monotonic() - started < timeout + 1


def test_start_tls_that_never_answers_times_out(
    ldap_directory: LdapDirectory, unanswering_port: int
) -> None:
    settings = make_settings(
        ldap_directory,
        ldap_url=f"ldap://127.0.0.1:{unanswering_port}",
        ldap_start_tls=True,
        ldap_timeout_seconds=0.5,
    )

    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="directory unavailable"):
        ldap_authenticate(settings, "alice", "alice-pass")
    assert time.monotonic() - started < 1.5


def test_passwords_never_reach_the_logs(
    ldap_directory: LdapDirectory,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level("DEBUG")
    ldap_authenticate(make_settings(ldap_directory), "alice", "Wrong-Secret-1")
    with pytest.raises(ServiceUnavailable):
        ldap_authenticate(
            make_settings(ldap_directory, ldap_bind_password=SecretStr("Service-Secret-2")),
            "alice",
            "Wrong-Secret-3",
        )
    with ldap_directory.stopped(), pytest.raises(ServiceUnavailable):
        ldap_authenticate(make_settings(ldap_directory), "alice", "Wrong-Secret-4")

    captured = capsys.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert "ldap" in logged  # something was logged, so the check below means something
    for secret in ("Wrong-Secret-1", "Service-Secret-2", "Wrong-Secret-3", "Wrong-Secret-4"):
        assert secret not in logged


@pytest.fixture
def tls_directory(ldap_directory: LdapDirectory) -> LdapDirectory:
    if ldap_directory.ca_file is None:
        pytest.skip("the openssl CLI is needed to make the test CA")
    return ldap_directory


@pytest.mark.parametrize("mode", MODES)
def test_start_tls_with_the_ca_file(tls_directory: LdapDirectory, mode: str) -> None:
    settings = make_settings(
        tls_directory, mode, ldap_start_tls=True, ldap_ca_file=tls_directory.ca_file
    )

    user = ldap_authenticate(settings, "alice", "alice-pass")

    assert user is not None and user.email == "alice@bank.kz"
    assert ldap_authenticate(settings, "alice", "wrong") is None


@pytest.mark.parametrize("mode", MODES)
def test_ldaps_with_the_ca_file(tls_directory: LdapDirectory, mode: str) -> None:
    settings = make_settings(
        tls_directory, mode, ldap_url=tls_directory.ldaps_url, ldap_ca_file=tls_directory.ca_file
    )

    assert ldap_authenticate(settings, "carol", "carol-pass") is not None


@pytest.mark.parametrize("transport", ["start_tls", "ldaps"])
def test_a_certificate_from_an_unknown_ca_is_refused(
    tls_directory: LdapDirectory, transport: str
) -> None:
    # Without DQ_LDAP_CA_FILE the system's CAs apply, and they never signed the test CA.
    if transport == "ldaps":
        settings = make_settings(tls_directory, ldap_url=tls_directory.ldaps_url)
    else:
        settings = make_settings(tls_directory, ldap_start_tls=True)

    with pytest.raises(ServiceUnavailable, match="directory unavailable"):
        ldap_authenticate(settings, "alice", "alice-pass")


def test_service_account_without_password_raises(ldap_directory: LdapDirectory) -> None:
    settings = make_settings(ldap_directory, ldap_bind_password=None)

    with pytest.raises(ServiceUnavailable, match="DQ_LDAP_BIND_PASSWORD"):
        ldap_authenticate(settings, "alice", "alice-pass")


def test_without_service_account_the_search_is_anonymous(ldap_directory: LdapDirectory) -> None:
    # This directory shows its tree to the service account only, so an anonymous search is
    # refused (noSuchObject); a directory that allows anonymous search works without a bind DN.
    settings = make_settings(ldap_directory, ldap_bind_dn=None, ldap_bind_password=None)

    with pytest.raises(ServiceUnavailable, match=r"directory search failed .* as anonymous"):
        ldap_authenticate(settings, "alice", "alice-pass")
