"""Who sees whose lists: an upload and a saved audience are their owner's (and admins').

Analyst anna owns an upload of IINs, a suppression upload and a saved audience. Analyst boris
and the reader ulla use them wherever an upload or audience id goes: each answer must be the
very answer a missing id gets (404, or inside a spec the same 422), and must not carry anna's
IINs, file names or name. anna and the admin still can. Campaigns stay readable by everyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.campaigns.service import today
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset
from helpers import PASSWORDS, add_user, login

API = "/api/v1"
FILE_NAME = "anna_secret_vip_list.csv"
SUPPRESSION_FILE_NAME = "anna_secret_stoplist.csv"
MISSING = "0123456789abcdef0123456789abcdef"


@dataclass
class World:
    anna: TestClient
    boris: TestClient
    ulla: TestClient
    admin: TestClient
    upload_id: str
    suppression_id: str
    audience_id: str
    boris_audience_id: str
    secrets: list[str]  # what must never reach boris or ulla

    def strangers(self) -> list[tuple[str, TestClient]]:
        return [("boris", self.boris), ("ulla", self.ulla)]


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def _upload(client: TestClient, name: str, iins: list[str], purpose: str) -> str:
    lines = ["ИИН;Имя", *(f"{iin};VIP клиент" for iin in iins)]
    response = client.post(
        f"{API}/uploads",
        files={"file": (name, "\n".join(lines).encode(), "text/csv")},
        data={"purpose": purpose},
    )
    assert response.status_code == 201, response.text
    upload_id: str = response.json()["id"]
    return upload_id


def _spec(**parts: Any) -> dict[str, Any]:
    return {"reference_date": today().isoformat(), "filters": [], **parts}


def _save(client: TestClient, name: str, spec: dict[str, Any]) -> str:
    response = client.post(f"{API}/audiences", json={"name": name, "spec": spec})
    assert response.status_code == 201, response.text
    audience_id: str = response.json()["id"]
    return audience_id


@pytest.fixture
def world(
    client: TestClient,
    as_analyst: TestClient,
    as_user: TestClient,
    as_admin: TestClient,
    demo_files: Path,
) -> World:
    engine = _engine(client)
    with make_sessionmaker(engine).begin() as db:
        for name in ("feature_store", "push_optouts", "global_control"):
            load_dataset(db, STANDARD_BY_NAME[name], demo_files / f"{name}.parquet")
    customers = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()
    add_user(engine, "boris", "analyst", PASSWORDS["analyst"])
    boris = TestClient(client.app, headers=login(client, "boris", PASSWORDS["analyst"]))

    vip, stop = customers[:30], customers[30:60]
    upload_id = _upload(as_analyst, FILE_NAME, vip, "audience")
    suppression_id = _upload(as_analyst, SUPPRESSION_FILE_NAME, stop, "suppression")
    audience_id = _save(
        as_analyst, "Anna's VIPs", _spec(source={"kind": "upload", "upload_id": upload_id})
    )
    boris_audience_id = _save(boris, "Boris's MAU", _spec(filters=[{"kind": "mau"}]))
    return World(
        anna=as_analyst,
        boris=boris,
        ulla=as_user,
        admin=as_admin,
        upload_id=upload_id,
        suppression_id=suppression_id,
        audience_id=audience_id,
        boris_audience_id=boris_audience_id,
        secrets=[*vip, *stop, FILE_NAME, SUPPRESSION_FILE_NAME, "anna", "Anna's VIPs"],
    )


def _assert_no_leak(world: World, text: str) -> None:
    leaked = [secret for secret in world.secrets if secret in text]
    assert not leaked, (leaked, text[:500])


def _same_as_missing(foreign: Any, missing: Any, foreign_id: str) -> None:
    """The answer about someone else's object is the answer about a missing one, to the byte
    (but for the id asked about)."""
    assert foreign.status_code == missing.status_code
    assert foreign.text.replace(foreign_id, MISSING) == missing.text


def _with(spec: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(spec).replace(old, new))
    return loaded


def _upload_specs(world: World) -> list[tuple[dict[str, Any], str]]:
    """Every place a spec names an upload, with the id it names."""
    up, sup = world.upload_id, world.suppression_id
    return [
        (_spec(source={"kind": "upload", "upload_id": up}), up),
        (_spec(filters=[{"kind": "upload", "upload_id": up, "mode": "include"}]), up),
        (_spec(filters=[{"kind": "upload", "upload_id": up, "mode": "exclude"}]), up),
        (_spec(filters=[{"kind": "suppression", "list": f"upload_{sup}"}]), sup),
        (_spec(filters=[{"kind": "upload", "upload_id": sup, "mode": "exclude"}]), sup),
    ]


def test_someone_elses_upload_is_unknown_in_every_spec(world: World) -> None:
    iin = world.secrets[0]
    for spec, upload_id in _upload_specs(world):
        missing_spec = _with(spec, upload_id, MISSING)
        calls = [
            ("preview", f"{API}/audiences/preview", {"spec": spec}, {"spec": missing_spec}),
            (
                "explain",
                f"{API}/audiences/explain",
                {"spec": spec, "iin": iin},
                {"spec": missing_spec, "iin": iin},
            ),
        ]
        for who, client in world.strangers():
            for what, url, body, missing_body in calls:
                foreign = client.post(url, json=body)
                assert foreign.status_code == 422, (who, what, spec, foreign.text)
                # The IIN asked about is echoed back in the error of both; only the upload's
                # contents, name and owner must not be.
                _same_as_missing(foreign, client.post(url, json=missing_body), upload_id)
                assert FILE_NAME not in foreign.text and "anna" not in foreign.text
        saved = world.boris.post(f"{API}/audiences", json={"name": "mine now", "spec": spec})
        assert saved.status_code == 422, saved.text
        missing = world.boris.post(
            f"{API}/audiences", json={"name": "mine now", "spec": missing_spec}
        )
        _same_as_missing(saved, missing, upload_id)
        _assert_no_leak(world, saved.text)
        # The owner and an administrator still can.
        for client in (world.anna, world.admin):
            response = client.post(f"{API}/audiences/preview", json={"spec": spec})
            assert response.status_code == 200, response.text


def test_a_preview_of_someone_elses_upload_shows_nothing_of_it(world: World) -> None:
    spec = _spec(source={"kind": "upload", "upload_id": world.upload_id})
    for _who, client in world.strangers():
        response = client.post(f"{API}/audiences/preview", json={"spec": spec})
        assert response.status_code == 422
        _assert_no_leak(world, response.text)
    own = world.anna.post(f"{API}/audiences/preview", json={"spec": spec}).json()
    assert own["size"] == 30 and {r["iin"] for r in own["sample"]} <= set(world.secrets)


def test_someone_elses_saved_audience_is_404(world: World) -> None:
    mine = world.audience_id
    for who, client in world.strangers():
        for method, path, params in (
            ("GET", f"{API}/audiences/{{}}", None),
            ("GET", f"{API}/audiences/{{}}/explain", {"iin": world.secrets[0]}),
            ("DELETE", f"{API}/audiences/{{}}", None),
        ):
            foreign = client.request(method, path.format(mine), params=params)
            missing = client.request(method, path.format(MISSING), params=params)
            expected = 403 if (who == "ulla" and method == "DELETE") else 404  # role first
            assert foreign.status_code == expected, (who, method, path, foreign.text)
            _same_as_missing(foreign, missing, mine)
            _assert_no_leak(world, foreign.text)
        # Nor a source to build on.
        spec = _spec(source={"kind": "audience", "audience_id": mine})
        foreign = client.post(f"{API}/audiences/preview", json={"spec": spec})
        assert foreign.status_code == 422
        missing = client.post(f"{API}/audiences/preview", json={"spec": _with(spec, mine, MISSING)})
        _same_as_missing(foreign, missing, mine)
        _assert_no_leak(world, foreign.text)
        assert mine not in client.get(f"{API}/audiences").text
    for client in (world.anna, world.admin):
        assert client.get(f"{API}/audiences/{mine}").status_code == 200
        explained = client.get(f"{API}/audiences/{mine}/explain", params={"iin": world.secrets[0]})
        assert explained.status_code == 200 and explained.json()["in_snapshot"] is True


def test_builder_options_and_datasets_list_only_your_uploads(world: World) -> None:
    dataset = f"upload_{world.upload_id}"
    for who, client in world.strangers():
        options = client.get(f"{API}/audiences/options")
        assert options.status_code == 200
        assert options.json()["uploads"] == [], who
        assert world.suppression_id not in options.text and world.upload_id not in options.text
        _assert_no_leak(world, options.text)
        listing = client.get(f"{API}/datasets")
        assert listing.status_code == 200
        names = {d["name"] for d in listing.json()["items"]}
        assert "feature_store" in names and not any(n.startswith("upload_") for n in names)
        assert listing.json()["total"] == len(names)
        _assert_no_leak(world, listing.text)
        uploads_only = client.get(f"{API}/datasets", params={"category": "upload"})
        assert uploads_only.json()["items"] == []
        foreign = client.get(f"{API}/datasets/{dataset}")
        assert foreign.status_code == 404
        _same_as_missing(foreign, client.get(f"{API}/datasets/upload_{MISSING}"), world.upload_id)
        _assert_no_leak(world, foreign.text)
        # The bank's own datasets stay everyone's.
        assert client.get(f"{API}/datasets/global_control").status_code == 200
    for client in (world.anna, world.admin):
        options = client.get(f"{API}/audiences/options").json()
        assert {u["upload_id"] for u in options["uploads"]} == {
            world.upload_id,
            world.suppression_id,
        }
        lists = {item["name"] for item in options["suppression_lists"]}
        assert f"upload_{world.suppression_id}" in lists
        got = client.get(f"{API}/datasets/{dataset}")
        assert got.status_code == 200 and got.json()["owner"] == "anna"
        names = {d["name"] for d in client.get(f"{API}/datasets").json()["items"]}
        assert dataset in names


def _draft(audience_id: str, **changes: Any) -> dict[str, Any]:
    start = today() + timedelta(days=1)
    body: dict[str, Any] = {
        "type": "RB1",
        "name": "Кэшбэк на АЗС",
        "stream": "market",
        "channels": ["push"],
        "texts": {
            "ru": {"title": "Кэшбэк 5%", "body": "Кэшбэк 5% на АЗС"},
            "kz": {"title": "5% кэшбэк", "body": "Жанармайға 5% кэшбэк"},
        },
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=14)).isoformat(),
        "audience_id": audience_id,
        "control_share": 0.1,
        "split_seed": 42,
    }
    body.update(changes)
    return body


def test_campaigns_are_made_from_your_own_audiences(world: World) -> None:
    boris, anna, admin, ulla = world.boris, world.anna, world.admin, world.ulla
    annas = world.audience_id

    def refused(foreign: Any, missing: Any) -> None:
        assert foreign.status_code == 422, foreign.text
        assert [e["field"] for e in foreign.json()["errors"]] == ["audience_id"]
        _same_as_missing(foreign, missing, annas)
        _assert_no_leak(world, foreign.text)

    # Create.
    refused(
        boris.post(f"{API}/campaigns", json=_draft(annas)),
        boris.post(f"{API}/campaigns", json=_draft(MISSING)),
    )
    # Split preview.
    split = {"audience_id": annas, "control_share": 0.1, "split_seed": 1}
    foreign = boris.post(f"{API}/campaigns/split-preview", json=split)
    assert foreign.status_code == 422
    missing = boris.post(f"{API}/campaigns/split-preview", json={**split, "audience_id": MISSING})
    _same_as_missing(foreign, missing, annas)
    _assert_no_leak(world, foreign.text)
    # Edit: boris's own draft cannot be pointed at anna's audience.
    own = boris.post(f"{API}/campaigns", json=_draft(world.boris_audience_id))
    assert own.status_code == 201, own.text
    own_code = own.json()["code"]
    refused(
        boris.patch(f"{API}/campaigns/{own_code}", json={"audience_id": annas}),
        boris.patch(f"{API}/campaigns/{own_code}", json={"audience_id": MISSING}),
    )

    # anna and the admin may use anna's audience.
    annas_campaign = anna.post(f"{API}/campaigns", json=_draft(annas))
    assert annas_campaign.status_code == 201, annas_campaign.text
    code = annas_campaign.json()["code"]
    assert admin.post(f"{API}/campaigns", json=_draft(annas)).status_code == 201
    split_ok = admin.post(f"{API}/campaigns/split-preview", json=split).json()
    assert split_ok["target"] + split_ok["control"] == 30

    # Copy: a template's texts are anyone's, its audience is not.
    refused(
        boris.post(f"{API}/campaigns/{code}/copy", json={}),
        boris.post(f"{API}/campaigns/{code}/copy", json={"audience_id": MISSING}),
    )
    copied = boris.post(
        f"{API}/campaigns/{code}/copy", json={"audience_id": world.boris_audience_id}
    )
    assert copied.status_code == 201, copied.text
    assert copied.json()["owner"] == "boris"
    assert copied.json()["audience_id"] == world.boris_audience_id
    assert anna.post(f"{API}/campaigns/{code}/copy", json={}).status_code == 201

    # Campaigns stay readable by everyone; writes to someone else's are refused (403: a
    # campaign's existence is no secret).
    for client in (boris, ulla):
        assert client.get(f"{API}/campaigns/{code}").status_code == 200
    assert boris.patch(f"{API}/campaigns/{code}", json={"name": "x"}).status_code == 403

    # Deploy: a draft of boris's that points at anna's audience (made before this rule) is
    # refused as if the audience were gone; the administrator may deploy it.
    with _engine(boris).begin() as conn:
        conn.execute(
            sa.text("UPDATE mb01_camp_dict SET audience_id = :a WHERE camp_cd = :c"),
            {"a": annas, "c": own_code},
        )
    gone = boris.post(f"{API}/campaigns/{own_code}/deploy", params={"dry_run": "true"})
    real = boris.post(f"{API}/campaigns/{own_code}/deploy")
    with _engine(boris).begin() as conn:
        conn.execute(
            sa.text("UPDATE mb01_camp_dict SET audience_id = :a WHERE camp_cd = :c"),
            {"a": MISSING, "c": own_code},
        )
    for foreign in (gone, real):
        missing = boris.post(f"{API}/campaigns/{own_code}/deploy", params={"dry_run": "true"})
        assert foreign.status_code == 409, foreign.text
        _same_as_missing(foreign, missing, annas)
        _assert_no_leak(world, foreign.text)
    with _engine(boris).begin() as conn:
        conn.execute(
            sa.text("UPDATE mb01_camp_dict SET audience_id = :a WHERE camp_cd = :c"),
            {"a": annas, "c": own_code},
        )
    dry = admin.post(f"{API}/campaigns/{own_code}/deploy", params={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert boris.get(f"{API}/campaigns/{own_code}").json()["status"] == "draft"
