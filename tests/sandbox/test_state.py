"""State: it survives a restart, concurrent writers lose nothing, and the key file is private."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from pathlib import Path

from sandbox_helpers import RunningSandbox

from optt.sandbox.keys import KEY_FILENAME
from optt.sandbox.seed import TEST_TOKENS
from optt.sandbox.server import reset_data
from optt.sandbox.store import DB_FILENAME

CLINIC1 = {"Authorization": f"bearer {TEST_TOKENS['CLINIC']}"}


def test_restart_keeps_data_and_key(fresh_sandbox: Callable[..., RunningSandbox], tmp_data_dir: Path) -> None:
    first = fresh_sandbox(data_dir=tmp_data_dir)
    tokens = first.login("laleh@optt.ca")
    with first.client() as http:
        created = http.post(
            "/profile/clinic/client", json={"name": "Kept", "email": "kept@example.com"}, headers=CLINIC1
        )
        assert created.status_code == 200
        session = http.post(
            "/profile/caregiver/session",
            json={"clientId": 1, "title": "Kept", "date": "2026/01/05", "time": "09:00"},
            headers={"Authorization": f"bearer {TEST_TOKENS['CAREGIVER']}"},
        ).json()[0]
    first.stop()
    assert (tmp_data_dir / DB_FILENAME).exists()
    mode = stat.S_IMODE((tmp_data_dir / KEY_FILENAME).stat().st_mode)
    assert mode == 0o600

    second = fresh_sandbox(data_dir=tmp_data_dir)
    with second.client() as http:
        read = http.get(f"/profile/clinic/client/{created.json()['id']}", headers=CLINIC1)
        assert read.status_code == 200 and read.json() == created.json()
        # the token issued before the restart still verifies: same key
        again = http.get("/profile/clinic/client", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert again.status_code == 200
        detail = http.get(
            f"/profile/caregiver/session/{session['id']}",
            headers={"Authorization": f"bearer {TEST_TOKENS['CAREGIVER']}"},
        )
        assert detail.status_code == 200
        # the seed is not duplicated: still 10 books
        assert http.get("/profile/book", headers=CLINIC1).json()["totalElements"] == 10
        new = http.post("/profile/clinic/client", json={"name": "Next", "email": "next@example.com"}, headers=CLINIC1)
        assert new.json()["id"] > created.json()["id"]
    second.stop()

    reset_data(tmp_data_dir)
    third = fresh_sandbox(data_dir=tmp_data_dir)
    with third.client() as http:
        assert http.get(f"/profile/clinic/client/{created.json()['id']}", headers=CLINIC1).status_code == 404


def test_in_memory_sandboxes_do_not_share_keys(fresh_sandbox: Callable[..., RunningSandbox]) -> None:
    one, two = fresh_sandbox(), fresh_sandbox()
    token = one.login("laleh@optt.ca")["access_token"]
    with two.client() as http:
        assert http.get("/profile/clinic/client", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_eight_concurrent_writers_lose_nothing(
    fresh_sandbox: Callable[..., RunningSandbox], tmp_data_dir: Path
) -> None:
    running = fresh_sandbox(data_dir=tmp_data_dir, validate_responses=False)
    writers, per_writer = 8, 200
    ids: list[list[int]] = [[] for _ in range(writers)]
    failures: list[str] = []

    def write(index: int) -> None:
        with running.client() as http:
            for n in range(per_writer):
                response = http.post(
                    "/profile/clinic/client",
                    json={"name": f"w{index}-{n}", "email": f"w{index}-{n}@load.example.com"},
                    headers=CLINIC1,
                )
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:100]}")
                    continue
                ids[index].append(response.json()["id"])

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    every_id = [ident for chunk in ids for ident in chunk]
    assert len(every_id) == writers * per_writer
    assert len(set(every_id)) == len(every_id)
    with running.client() as http:
        listed = http.get("/profile/clinic/client", params={"size": 1000, "page": 0}, headers=CLINIC1).json()
        total = listed["totalElements"]
        names = set()
        for page in range(listed["totalPages"]):
            chunk = http.get("/profile/clinic/client", params={"size": 1000, "page": page}, headers=CLINIC1).json()
            names.update(item["name"] for item in chunk["content"])
    assert total == writers * per_writer + 1  # plus the seeded client
    assert {f"w{i}-{n}" for i in range(writers) for n in range(per_writer)} <= names
