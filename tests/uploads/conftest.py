from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from upload_clients import Clients

from dataquery.core.config import Settings
from dataquery.main import create_app
from helpers import PASSWORDS, USERNAMES, add_user, login


@pytest.fixture
def clients_with(settings: Settings) -> Iterator[Callable[..., Clients]]:
    """A started app with these settings changed; returns role -> signed-in client (and
    "anonymous"). The users are created once per warehouse."""
    opened: list[TestClient] = []
    created = False

    def make(**overrides: Any) -> Clients:
        nonlocal created
        base = TestClient(create_app(settings.model_copy(update=overrides)))
        base.__enter__()
        opened.append(base)
        if not created:
            engine: Engine = base.app.state.engine  # type: ignore[attr-defined]
            for role, username in USERNAMES.items():
                add_user(engine, username, role, PASSWORDS[role])
            add_user(engine, "boris", "analyst", PASSWORDS["analyst"])
            created = True
        out: Clients = {"anonymous": base}
        for role, username in [*USERNAMES.items(), ("analyst2", "boris")]:
            password = PASSWORDS["analyst" if role == "analyst2" else role]
            out[role] = TestClient(base.app, headers=login(base, username, password))
        return out

    yield make
    for client in opened:
        client.__exit__(None, None, None)
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
