"""Staged uploads: kept by token on disk, claimed by exactly one confirm, swept when stale."""
import os
import time
from concurrent.futures import ThreadPoolExecutor

from service.units import staging


def test_stage_load_claim_once(tmp_path):
    token = staging.stage(tmp_path, b"code,name,type\n", "u.csv", 7)
    upload = staging.load(tmp_path, token)
    assert (upload.filename, upload.user_id, upload.data) == ("u.csv", 7, b"code,name,type\n")
    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(lambda _n: staging.claim(tmp_path, token), range(8)))
    assert sum(c is not None for c in claims) == 1  # one confirm wins, the others find nothing
    staging.discard(tmp_path, token)
    assert staging.load(tmp_path, token) is None and os.listdir(tmp_path) == []


def test_restore_puts_a_claimed_upload_back(tmp_path):
    token = staging.stage(tmp_path, b"data", "u.csv", 1)
    upload = staging.claim(tmp_path, token)
    assert staging.load(tmp_path, token) is None
    staging.restore(tmp_path, upload)
    assert staging.load(tmp_path, token).data == b"data"


def test_tokens_never_reach_outside_the_folder(tmp_path):
    (tmp_path / "secret_key").write_text("s")
    folder = tmp_path / "imports"
    folder.mkdir()
    for token in ("../secret_key", "..", "", "a/b", "x" * 100):
        assert staging.load(folder, token) is None and staging.claim(folder, token) is None
    assert (tmp_path / "secret_key").exists()


def test_stale_uploads_are_swept_at_the_next_upload(tmp_path):
    old = staging.stage(tmp_path, b"old", "old.csv", 1)
    day_ago = time.time() - staging.MAX_AGE_SECONDS - 60
    for name in os.listdir(tmp_path):
        os.utime(tmp_path / name, (day_ago, day_ago))
    new = staging.stage(tmp_path, b"new", "new.csv", 1)
    assert staging.load(tmp_path, old) is None and staging.load(tmp_path, new).data == b"new"
