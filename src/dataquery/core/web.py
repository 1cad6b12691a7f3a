"""Serve the built React app at `/` with a fallback to index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from dataquery.core.errors import NotFound

# /docs: Swagger UI from our own origin (the CSP allows no CDN and no inline script).
_DOCS = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>DataQuery Pro API</title><link rel="stylesheet" href="/api-docs/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/api-docs/swagger-ui-bundle.js"></script>
<script src="/api-docs/swagger-init.js"></script>
</body></html>
"""
_DOCS_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>DataQuery Pro API</title>
<p>The API documentation is part of the web build: run <code>make web</code>.
The schema is at <a href="/openapi.json">/openapi.json</a>.</p>
"""

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>DataQuery Pro</title>
<p>Веб-интерфейс не собран: выполните <code>make web</code>.
API работает: <a href="/docs">/docs</a>.</p>
"""


def mount_web(app: FastAPI, dist: Path) -> None:
    dist = dist.resolve()
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    docs_built = (dist / "api-docs" / "swagger-ui-bundle.js").is_file()
    if docs_built:
        app.mount("/api-docs", StaticFiles(directory=dist / "api-docs"), name="api-docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS if docs_built else _DOCS_NOT_BUILT)

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def spa(path: str) -> FileResponse | HTMLResponse:
        if path == "api" or path.startswith("api/"):
            raise NotFound(
                f"no API route /{path}", code="http.no_route", params={"path": f"/{path}"}
            )
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist):
            return FileResponse(candidate)
        index = dist / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_NOT_BUILT, status_code=200)
