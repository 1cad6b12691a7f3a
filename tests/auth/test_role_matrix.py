"""Walk every route of the OpenAPI schema: 401 without a token, 403 for roles below the
route's requirement, never 401/403 for roles that meet it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from dataquery.auth.roles import Role

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/health/live"),
    ("GET", "/api/v1/health/ready"),
    ("POST", "/api/v1/auth/login"),
}
# Routes that authenticate by the refresh token in the body instead of the access token.
REFRESH_TOKEN_ROUTES = {("POST", "/api/v1/auth/refresh"), ("POST", "/api/v1/auth/logout")}
# Routes whose URL carries a short-lived signed token (made by a signed-in call) instead.
SIGNED_LINK_ROUTES = {
    ("GET", "/api/v1/campaigns/exports/{token}"),
    ("GET", "/api/v1/queries/exports/{token}"),
}

# The least role each route needs. A new route must be added here: the test fails until it is.
REQUIRED: dict[tuple[str, str], Role] = {
    ("GET", "/api/v1/auth/me"): Role.USER,
    ("GET", "/api/v1/reference/streams"): Role.USER,
    ("GET", "/api/v1/reference/filials"): Role.USER,
    ("GET", "/api/v1/reference/push-event-types"): Role.USER,
    ("GET", "/api/v1/reference/channels"): Role.USER,
    ("POST", "/api/v1/reference/streams"): Role.ADMIN,
    ("PATCH", "/api/v1/reference/streams/{code}"): Role.ADMIN,
    ("DELETE", "/api/v1/reference/streams/{code}"): Role.ADMIN,
    ("POST", "/api/v1/reference/filials"): Role.ADMIN,
    ("PATCH", "/api/v1/reference/filials/{code}"): Role.ADMIN,
    ("DELETE", "/api/v1/reference/filials/{code}"): Role.ADMIN,
    ("POST", "/api/v1/reference/push-event-types"): Role.ADMIN,
    ("PATCH", "/api/v1/reference/push-event-types/{code}"): Role.ADMIN,
    ("DELETE", "/api/v1/reference/push-event-types/{code}"): Role.ADMIN,
    ("POST", "/api/v1/reference/channels"): Role.ADMIN,
    ("PATCH", "/api/v1/reference/channels/{code}"): Role.ADMIN,
    ("DELETE", "/api/v1/reference/channels/{code}"): Role.ADMIN,
    ("GET", "/api/v1/datasets"): Role.USER,
    ("GET", "/api/v1/datasets/{name}"): Role.USER,
    ("POST", "/api/v1/datasets/{name}/refresh"): Role.ADMIN,
    ("GET", "/api/v1/data-sources"): Role.ADMIN,
    ("POST", "/api/v1/data-sources"): Role.ADMIN,
    ("DELETE", "/api/v1/data-sources/{source_id}"): Role.ADMIN,
    ("PATCH", "/api/v1/data-sources/{source_id}"): Role.ADMIN,
    ("POST", "/api/v1/data-sources/{source_id}/test"): Role.ADMIN,
    ("GET", "/api/v1/data-sources/datasets"): Role.ADMIN,
    ("POST", "/api/v1/data-sources/datasets"): Role.ADMIN,
    ("DELETE", "/api/v1/data-sources/datasets/{dataset}"): Role.ADMIN,
    ("PATCH", "/api/v1/data-sources/datasets/{dataset}"): Role.ADMIN,
    ("POST", "/api/v1/data-sources/datasets/{dataset}/refresh"): Role.ADMIN,
    ("GET", "/api/v1/users"): Role.ADMIN,
    ("POST", "/api/v1/users"): Role.ADMIN,
    ("PATCH", "/api/v1/users/{username}"): Role.ADMIN,
    ("DELETE", "/api/v1/users/{username}"): Role.ADMIN,
    ("GET", "/api/v1/audit"): Role.ADMIN,
    ("GET", "/api/v1/audiences/options"): Role.USER,
    ("GET", "/api/v1/audiences/default-spec"): Role.USER,
    ("POST", "/api/v1/audiences/preview"): Role.USER,
    ("POST", "/api/v1/audiences/explain"): Role.USER,
    ("POST", "/api/v1/audiences"): Role.ANALYST,
    ("GET", "/api/v1/audiences"): Role.USER,
    ("GET", "/api/v1/audiences/{audience_id}"): Role.USER,
    ("DELETE", "/api/v1/audiences/{audience_id}"): Role.ANALYST,
    ("GET", "/api/v1/audiences/{audience_id}/explain"): Role.USER,
    ("GET", "/api/v1/audiences/{audience_id}/versions"): Role.USER,
    ("POST", "/api/v1/audiences/{audience_id}/versions"): Role.ANALYST,
    ("GET", "/api/v1/jobs/{job_id}"): Role.USER,
    ("POST", "/api/v1/uploads"): Role.ANALYST,
    ("GET", "/api/v1/uploads"): Role.USER,
    ("GET", "/api/v1/uploads/{upload_id}"): Role.USER,
    ("DELETE", "/api/v1/uploads/{upload_id}"): Role.ANALYST,
    ("POST", "/api/v1/campaigns"): Role.ANALYST,
    ("GET", "/api/v1/distributions"): Role.USER,
    ("POST", "/api/v1/distributions"): Role.ADMIN,
    ("GET", "/api/v1/notifications/preferences"): Role.USER,
    ("PUT", "/api/v1/notifications/preferences"): Role.USER,
    ("GET", "/api/v1/notifications/log"): Role.ADMIN,
    ("GET", "/api/v1/integrations/jira/campaigns/{code}"): Role.USER,
    ("GET", "/api/v1/campaigns"): Role.USER,
    ("GET", "/api/v1/campaigns/dashboard"): Role.USER,
    ("GET", "/api/v1/campaigns/sms-segments"): Role.USER,
    ("POST", "/api/v1/campaigns/split-preview"): Role.ANALYST,
    ("GET", "/api/v1/campaigns/{code}"): Role.USER,
    ("PATCH", "/api/v1/campaigns/{code}"): Role.ANALYST,
    ("DELETE", "/api/v1/campaigns/{code}"): Role.ADMIN,
    ("POST", "/api/v1/campaigns/{code}/deploy"): Role.ANALYST,
    ("POST", "/api/v1/campaigns/{code}/copy"): Role.ANALYST,
    ("POST", "/api/v1/campaigns/{code}/arms"): Role.ANALYST,
    ("POST", "/api/v1/campaigns/{code}/status"): Role.ANALYST,
    ("POST", "/api/v1/campaigns/{code}/members"): Role.ANALYST,
    ("POST", "/api/v1/campaigns/{code}/members/remove"): Role.ANALYST,
    ("GET", "/api/v1/campaigns/{code}/stats"): Role.USER,
    ("GET", "/api/v1/campaigns/outcomes"): Role.USER,
    ("GET", "/api/v1/campaigns/{code}/effect"): Role.USER,
    ("GET", "/api/v1/campaigns/{code}/balance"): Role.USER,
    ("GET", "/api/v1/campaigns/{code}/export"): Role.USER,
    ("POST", "/api/v1/campaigns/{code}/export-link"): Role.USER,
    ("GET", "/api/v1/campaigns/{code}/overlap"): Role.USER,
    ("GET", "/api/v1/monitoring/tiles"): Role.ANALYST,
    ("GET", "/api/v1/monitoring/routes"): Role.ANALYST,
    ("GET", "/api/v1/monitoring/queries"): Role.ANALYST,
    ("GET", "/api/v1/monitoring/query-kinds"): Role.ANALYST,
    ("GET", "/api/v1/monitoring/jobs"): Role.ANALYST,
    ("GET", "/api/v1/monitoring/daily"): Role.ANALYST,
    ("GET", "/api/v1/admin/settings"): Role.ADMIN,
    ("PUT", "/api/v1/admin/settings"): Role.ADMIN,
    ("GET", "/api/v1/settings/defaults"): Role.USER,
    ("GET", "/api/v1/queries/schema"): Role.USER,
    ("POST", "/api/v1/queries/run"): Role.USER,
    ("GET", "/api/v1/queries/assistant"): Role.USER,
    ("POST", "/api/v1/queries/assistant"): Role.USER,
    ("POST", "/api/v1/queries/sql"): Role.USER,
    ("GET", "/api/v1/queries/saved"): Role.USER,
    ("POST", "/api/v1/queries/export-link"): Role.USER,
    ("POST", "/api/v1/queries/to-upload"): Role.ANALYST,
    ("POST", "/api/v1/queries/saved"): Role.ANALYST,
    ("GET", "/api/v1/queries/saved/{query_id}"): Role.USER,
    ("PUT", "/api/v1/queries/saved/{query_id}"): Role.ANALYST,
    ("DELETE", "/api/v1/queries/saved/{query_id}"): Role.ANALYST,
    ("GET", "/api/v1/viewer/{name}/rows"): Role.USER,
    ("GET", "/api/v1/viewer/{name}/profile/{column}"): Role.USER,
}


def _routes(client: TestClient) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "nonexistent-item", path)


def test_every_route_is_classified(client: TestClient) -> None:
    routes = set(_routes(client))
    assert routes == set(REQUIRED) | PUBLIC | REFRESH_TOKEN_ROUTES | SIGNED_LINK_ROUTES


def test_no_token_means_401(client: TestClient) -> None:
    for method, path in _routes(client):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, _concrete(path), json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"] == "NotAuthenticated"


def test_public_routes_answer_without_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/health").status_code == 200
    assert (
        client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}).status_code
        == 401
    )


def test_roles_hold_on_every_route(
    client: TestClient, auth_headers: dict[str, dict[str, str]]
) -> None:
    for (method, path), needed in REQUIRED.items():
        for role_name, headers in auth_headers.items():
            role = Role(role_name)
            response = client.request(method, _concrete(path), json={}, headers=headers)
            if role.allows(needed):
                assert response.status_code not in (401, 403), (method, path, role)
            else:
                assert response.status_code == 403, (method, path, role, response.status_code)
                assert response.json()["error"] == "PermissionDenied"
