"""An instance whose warehouse connections are all in use answers a coded 503 with Retry-After
(the client and the load balancer back off), never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dataquery.core.config import Settings
from dataquery.main import create_app


def test_an_exhausted_connection_pool_is_a_503(settings: Settings) -> None:
    small = settings.model_copy(
        update={
            "warehouse_pool_size": 2,
            "warehouse_max_overflow": 0,
            "warehouse_pool_timeout_seconds": 0.1,
        }
    )
    app = create_app(small)
    with TestClient(app) as client:
        engine: sa.Engine = app.state.engine
        held: list[sa.Connection] = []
        with pytest.raises(sa.exc.TimeoutError):  # take every connection the pool has
            while True:
                held.append(engine.connect())
        try:
            response = client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
        finally:
            for connection in held:
                connection.close()
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "server.busy"
        assert response.headers["Retry-After"] == "5"
        # Connections back: the same request is answered again.
        again = client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
        assert again.status_code == 401
    engine.dispose()
