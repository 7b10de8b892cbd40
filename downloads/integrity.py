"""A published package stays as it was published: sealed, moved into place once, checked.

- A package is written under a temporary name (`.update-NNNN.partial-<token>`),
  made read-only (`seal`) and renamed to `update-NNNN/` only once the
  publishing transaction has committed (`place`), so that no update-NNNN/
  exists without its update row. A temporary folder left by a publish that
  failed, or a package folder with no update (a publish rolled back by a
  caller's transaction, a restore of an older database), is an orphan:
  `sweep_orphans` removes them at the next publish and `manage.py
  verify_packages` at every check.
- `problems(update)` re-hashes every file of a package against its manifest
  (the zip against its `.sha256`, the manifest against its copy in the zip);
  `manage.py verify_packages` reports each difference and exits non-zero.
- `file_matches` is the download view's check before it serves a file: the
  hash is computed once per file version (its size, times and inode, which
  any write changes) and remembered by the process.
"""

import json
import logging
import os
import re
import shutil
import stat
import threading
import zipfile
from pathlib import Path

from . import archive

logger = logging.getLogger("hub.downloads")

PACKAGE = re.compile(r"update-(\d{4,})")
PARTIAL = re.compile(r"\.update-(\d{4,})\.partial-[0-9a-f]+")
READ_ONLY_FILE = 0o444
READ_ONLY_DIR = 0o555

_unplaced = threading.local()  # the temporary folders this thread's publish has not placed
_verified = {}  # (path, size, mtime, ctime, inode) -> whether the bytes match the manifest


def seal(folder):
    """Make every file and folder of a package read-only."""
    for path, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            os.chmod(os.path.join(path, name), READ_ONLY_FILE)
        os.chmod(path, READ_ONLY_DIR)


def remove(folder):
    """Remove a (sealed) package folder."""
    folder = Path(folder)
    if not folder.exists():
        return
    for path, _dirs, _files in os.walk(folder):
        os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(folder)


def expect(partial):
    """Note a temporary folder this thread's publish will place once committed."""
    pending = getattr(_unplaced, "folders", None)
    if pending is None:
        pending = _unplaced.folders = set()
    pending.add(Path(partial))


def place(partial, final):
    """Rename a finished temporary folder to its package's name (replacing a stale one)."""
    getattr(_unplaced, "folders", set()).discard(Path(partial))
    if final.exists():
        remove(final)
    os.chmod(partial, stat.S_IRWXU)  # renaming a folder rewrites its ".." entry
    partial.rename(final)
    os.chmod(final, READ_ONLY_DIR)


def discard_unplaced():
    """Remove the temporary folders of this thread's publish that failed before its commit ended."""
    for folder in getattr(_unplaced, "folders", set()):
        remove(folder)
    _unplaced.folders = set()


def sweep_orphans(root, numbers):
    """Remove temporary folders, and package folders of no update; `numbers` are the updates'."""
    removed = []
    if not Path(root).is_dir():
        return removed
    mine = getattr(_unplaced, "folders", set())
    for entry in sorted(Path(root).iterdir()):
        package, partial = PACKAGE.fullmatch(entry.name), PARTIAL.fullmatch(entry.name)
        orphan = (package and int(package.group(1)) not in numbers) or (
            # A temporary folder of an update that exists is being placed right now.
            partial and int(partial.group(1)) not in numbers and entry not in mine
        )
        if orphan and entry.is_dir():
            remove(entry)
            removed.append(entry.name)
            logger.warning("removed %s: a package folder without its update", entry.name)
    return removed


def _expected(folder, zip_name):
    """{file name: SHA-256} as published: the manifest's files, the manifest, the zip."""
    manifest_path = folder / "manifest.json"
    manifest_bytes = manifest_path.read_bytes()
    expected = {entry["name"]: entry["sha256"] for entry in json.loads(manifest_bytes)["files"]}
    checksum = folder / f"{zip_name}.sha256"
    expected[zip_name] = checksum.read_text().split()[0]
    return expected, manifest_bytes


def _manifest_in_zip(folder, zip_name):
    with zipfile.ZipFile(folder / zip_name) as bundle:
        member = next(name for name in bundle.namelist() if name.endswith("/manifest.json"))
        return bundle.read(member)


def problems(folder, zip_name):
    """Every difference between a package folder and what it published, as sentences."""
    if not folder.is_dir():
        return [f"{folder.name} is missing"]
    try:
        expected, manifest_bytes = _expected(folder, zip_name)
    except (OSError, ValueError, KeyError, IndexError) as error:
        return [f"{folder.name}: the manifest or the zip's checksum cannot be read ({error})"]
    found = []
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            found.append(f"{folder.name}/{name} is missing")
        elif archive.sha256_of(path) != digest:
            found.append(f"{folder.name}/{name} differs from its published SHA-256")
    try:
        if _manifest_in_zip(folder, zip_name) != manifest_bytes:
            found.append(f"{folder.name}/manifest.json differs from its copy in the zip")
    except (OSError, zipfile.BadZipFile, StopIteration) as error:
        found.append(f"{folder.name}/{zip_name} cannot be read ({error})")
    return found


def file_matches(folder, zip_name, name):
    """Whether the file `name` of a package is byte for byte as published (remembered per version)."""
    if name != "manifest.json" and not file_matches(folder, zip_name, "manifest.json"):
        return False  # the hashes it lists are not those published
    path = folder / name
    info = path.stat()
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    if key not in _verified:
        try:
            expected, manifest_bytes = _expected(folder, zip_name)
            if name == "manifest.json":
                matches = _manifest_in_zip(folder, zip_name) == manifest_bytes
            else:
                matches = archive.sha256_of(path) == expected.get(name)
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, StopIteration):
            matches = False
        _verified[key] = matches
    return _verified[key]
