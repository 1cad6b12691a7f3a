"""Concurrent writes that collide in the warehouse answer 409, never 500 (issue 10, finding 11)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from fastapi.testclient import TestClient

from dataquery import iin


def a_small_csv(count: int = 5) -> bytes:
    iins: list[str] = []
    born = date(1980, 1, 1)
    while len(iins) < count:
        made = iin.make_iin(born, "F", len(iins))
        born += timedelta(days=1)
        if made is not None:
            iins.append(made)
    return ("iin\n" + "\n".join(iins) + "\n").encode()


def test_concurrent_deletes_of_one_upload_are_one_204_and_conflicts(
    as_analyst: TestClient,
) -> None:
    created = as_analyst.post("/api/v1/uploads", files={"file": ("list.csv", a_small_csv())})
    assert created.status_code == 201, created.text
    url = f"/api/v1/uploads/{created.json()['id']}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: as_analyst.delete(url), range(4)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(204) == 1, [r.text for r in responses]
    assert set(statuses) <= {204, 404, 409}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "conflict.concurrent_write"
    assert as_analyst.get(url).status_code == 404
