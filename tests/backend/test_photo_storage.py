"""Photo files: content-addressed keys, atomic and idempotent writes, traversal-proof, orphan sweep."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.photos import InvalidKey, PhotoStore, StorageFull, is_key, make_key
from backend.photos import testimages as ti

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "photos")


@pytest.fixture(scope="module")
def photo() -> tuple[bytes, str]:
    data = ti.jpeg(320, 240)
    return data, hashlib.sha256(data).hexdigest()


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def age(store: PhotoStore, key: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(store.path_for(key), (then, then))


def test_layout_round_trip_and_variants(store, photo):
    data, sha = photo
    key = store.put(data, sha, "original", "jpg")
    assert key == f"{sha[:2]}/{sha[2:4]}/{sha}.original.jpg" == make_key(sha, "original", "jpg")
    assert store.path_for(key) == store.root / sha[:2] / sha[2:4] / f"{sha}.original.jpg"
    assert store.exists(key) and store.read(key) == data
    with store.open(key) as f:
        assert f.read() == data
    thumb = store.put(b"small copy", sha, "thumb", "png")  # derived copies share the original's hash
    assert thumb.endswith(".thumb.png") and store.locate(sha, "thumb") == thumb
    assert store.locate(sha, "display") is None
    assert files_under(store.root) == sorted([key, thumb])  # no temp files left behind


def test_put_is_idempotent_and_does_not_rewrite(store, photo, monkeypatch):
    data, sha = photo
    key = store.put(data, sha, "original", "jpg")
    inode = store.path_for(key).stat().st_ino

    def no_write(*args, **kwargs):
        raise AssertionError("the second put must not write anything")

    monkeypatch.setattr(os, "replace", no_write)
    monkeypatch.setattr("tempfile.mkstemp", no_write)
    assert store.put(data, sha, "original", "jpg") == key
    assert store.path_for(key).stat().st_ino == inode and store.read(key) == data


def test_idempotent_put_refreshes_mtime_so_a_sweep_spares_the_reused_file(store, photo):
    data, sha = photo
    key = store.put(data, sha, "original", "jpg")
    age(store, key, 7200)
    store.put(data, sha, "original", "jpg")  # a new upload of the same photo, row not committed yet
    assert store.sweep_orphans(known_keys=[], older_than_seconds=3600).removed == []
    assert store.exists(key)


def test_original_must_match_its_hash(store, photo):
    data, sha = photo
    with pytest.raises(ValueError, match="sha256"):
        store.put(data + b"x", sha, "original", "jpg")
    assert not store.root.exists() or files_under(store.root) == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "ab/cd/../../../../etc/passwd",
        "ab/cd/" + "a" * 64 + ".original.jpg",  # shard directories do not match the hash
        "AB/CD/" + "AB" * 32 + ".original.jpg",  # upper case
        "{s}.original.jpg",  # no shard directories
        "{a}/{b}/{s}.original.jpg\n",  # trailing newline ($ would have let it through)
        "{a}/{b}/{s}.original.exe",
        "{a}/{b}/{s}.secret.jpg",
        "{a}/{b}/{s}.original.jpg/../../x",
        "{a}\\{b}\\{s}.original.jpg",
        "",
    ],
)
def test_keys_are_validated_strictly(store, photo, key):
    sha = photo[1]
    key = key.format(a=sha[:2], b=sha[2:4], s=sha)
    assert not is_key(key)
    for call in (store.path_for, store.exists, store.read, store.delete):
        with pytest.raises(InvalidKey):
            call(key)


def test_make_key_refuses_bad_parts():
    for sha, variant, ext in [("../" * 22, "original", "jpg"), ("a" * 64, "raw", "jpg"), ("a" * 64, "thumb", "gif")]:
        with pytest.raises(InvalidKey):
            make_key(sha, variant, ext)


def test_a_shard_symlinked_out_of_the_store_is_refused(store, photo, tmp_path):
    sha = photo[1]
    outside = tmp_path / "outside"
    (outside / sha[2:4]).mkdir(parents=True)
    store.root.mkdir()
    (store.root / sha[:2]).symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey, match="outside"):
        store.path_for(make_key(sha, "original", "jpg"))


def test_failed_replace_leaves_nothing_under_the_final_name(store, photo, monkeypatch):
    data, sha = photo

    def crash(src, dst):
        raise OSError(errno.EIO, "simulated crash at rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        store.put(data, sha, "original", "jpg")
    key = make_key(sha, "original", "jpg")
    assert not store.exists(key)
    assert files_under(store.root) == []  # the temp file was cleaned up too


CRASHING_WRITER = """
import hashlib, os, stat, sys, time
from pathlib import Path
from backend.photos.storage import PhotoStore

real_fsync = os.fsync
def stall(fd):  # the data is in the temp file, not yet fsynced nor renamed: die here
    if stat.S_ISREG(os.fstat(fd).st_mode):
        print("WRITING", flush=True)
        time.sleep(60)
    real_fsync(fd)
os.fsync = stall
data = bytes(range(256)) * 40_000
PhotoStore(Path(sys.argv[1])).put(data, hashlib.sha256(data).hexdigest(), "original", "jpg")
"""


def test_killed_writer_leaves_only_a_temp_file_which_the_sweep_removes(store):
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(store.root)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "WRITING", proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
        proc.wait(timeout=10)
    leftovers = files_under(store.root)
    assert len(leftovers) == 1 and Path(leftovers[0]).name.startswith(".")
    assert leftovers[0].endswith(".tmp") and list(store.iter_keys()) == []  # never visible as a key

    assert store.sweep_orphans([], older_than_seconds=3600).removed_temp == []  # too young yet
    result = store.sweep_orphans([], older_than_seconds=0)
    assert result.removed_temp == leftovers and files_under(store.root) == []


def test_disk_full_is_a_507_and_leaves_nothing(store, photo, monkeypatch):
    data, sha = photo

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StorageFull) as caught:
        store.put(data, sha, "original", "jpg")
    err = caught.value
    assert (err.code, err.http_status, err.status_code) == ("storage_full", 507, 507)
    assert "Try again later" in err.message_en and "稍后重试" in err.message_zh
    assert isinstance(err.__cause__, OSError)
    monkeypatch.undo()
    assert files_under(store.root) == []


def test_orphans_and_sweep_respect_known_keys_and_age(store):
    keys = {}
    for name in ("committed", "old_orphan", "young_orphan"):
        data = name.encode() * 100
        keys[name] = store.put(data, hashlib.sha256(data).hexdigest(), "original", "jpg")
    age(store, keys["committed"], 7200)
    age(store, keys["old_orphan"], 7200)
    (store.root / "README").write_text("not ours: left alone")

    known = [keys["committed"]]
    assert store.orphans(known) == sorted([keys["old_orphan"], keys["young_orphan"]])
    result = store.sweep_orphans(known, older_than_seconds=3600)
    assert result.removed == [keys["old_orphan"]] and result.kept_young == 1
    assert store.exists(keys["committed"]) and store.exists(keys["young_orphan"])
    assert not store.exists(keys["old_orphan"]) and (store.root / "README").exists()
    with pytest.raises(ValueError):
        store.sweep_orphans(known, older_than_seconds=-1)


def test_delete(store, photo):
    data, sha = photo
    key = store.put(data, sha, "original", "jpg")
    assert store.delete(key) is True and not store.exists(key)
    assert store.delete(key) is False
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_empty_or_missing_store_has_no_orphans(tmp_path):
    assert PhotoStore(tmp_path / "never-created").orphans([]) == []


def test_photos_are_staged_while_checked_and_only_accepted_ones_get_a_key(tmp_path):
    """Intake writes the bytes while Pillow checks them: an accepted photo ends under its key
    (written once), a refused one leaves no file at all, not even a temp file."""
    from backend.cases.photos import process_and_store
    from backend.config import Settings
    from backend.photos.processing import PhotoRejected

    settings = Settings(database_url=f"sqlite:///{tmp_path}/unused.sqlite", photo_dir=tmp_path / "photos")
    store = PhotoStore(settings.photo_dir)
    good = ti.jpeg(640, 480, seed=7)
    stored = process_and_store(good, settings=settings, store=store)
    assert store.read(stored.original_key) == good
    assert files_under(store.root) == [stored.original_key]
    assert process_and_store(good, settings=settings, store=store).original_key == stored.original_key
    assert files_under(store.root) == [stored.original_key]  # a replay adds nothing
    truncated = ti.jpeg(640, 480, seed=8)[:-4000]
    with pytest.raises(PhotoRejected):
        process_and_store(truncated, settings=settings, store=store)
    with pytest.raises(PhotoRejected):
        process_and_store(b"not a photo at all", settings=settings, store=store)
    deadline = time.monotonic() + 10  # the staged copies are discarded as their writes finish
    while files_under(store.root) != [stored.original_key] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert files_under(store.root) == [stored.original_key]
