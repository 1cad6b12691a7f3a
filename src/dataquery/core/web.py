"""Serve the built React app at `/` with a fallback to index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from dataquery.core.errors import NotFound

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>DataQuery Pro</title>
<p>Веб-интерфейс не собран: выполните <code>make web</code>.
API работает: <a href="/docs">/docs</a>.</p>
"""


def mount_web(app: FastAPI, dist: Path) -> None:
    dist = dist.resolve()
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def spa(path: str) -> FileResponse | HTMLResponse:
        if path == "api" or path.startswith("api/"):
            raise NotFound(f"no API route /{path}")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist):
            return FileResponse(candidate)
        index = dist / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_NOT_BUILT, status_code=200)
