"""Publish a built dataset folder to the Hugging Face Hub: create the repo, upload the folder, tag the version."""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import PublishError

REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Published:
    repo_id: str
    commit: str
    tag: str | None
    url: str


def _croissant(folder: Path) -> dict:
    """The folder's ``croissant.json`` (``{}`` when it has none); :class:`PublishError` when it is not JSON."""
    meta = folder / "croissant.json"
    if not meta.exists():
        return {}
    try:
        data = json.loads(meta.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PublishError(f"{meta.name} of {folder} is not valid JSON; rebuild the folder with kashcorpus build") from None
    if not isinstance(data, dict):
        raise PublishError(f"{meta.name} of {folder} is not a Croissant object; rebuild the folder with kashcorpus build")
    return data


def folder_version(folder: Path) -> str | None:
    version = _croissant(folder).get("version")
    return version if isinstance(version, str) else None


def folder_repo_id(folder: Path) -> str | None:
    """The Hub repository a built folder names (its ``croissant.json`` url)."""
    url = _croissant(folder).get("url", "")
    return url.removeprefix("https://huggingface.co/datasets/") or None if isinstance(url, str) else None


MAX_SUMS_BYTES = 1 << 20  # a SHA256SUMS file (a line per file of the folder)


def verify_folder(folder: Path) -> None:
    """Refuse a folder that is not a complete build: every file in SHA256SUMS present with its hash, none extra.

    Raises :class:`DatasetDamaged` naming the first file that differs; no link in the folder is followed, no
    special file read (a damaged folder is never handed to ``datasets``, whose own errors name no file).
    """
    from .errors import DatasetDamaged, FileUnsafe
    from .findings import printable
    from .io import open_inside

    folder = Path(folder)
    shown = printable(str(folder)[:160])
    if not (folder / "README.md").is_file() or not (folder / "SHA256SUMS").is_file():
        raise DatasetDamaged(f"{shown} is not a built dataset folder (README.md and SHA256SUMS); run kashcorpus build")

    def read(rel: str, limit: int | None = None) -> bytes:
        try:
            with open_inside(folder, folder / rel) as f:
                return f.read(limit) if limit else f.read()
        except FileUnsafe as e:
            raise DatasetDamaged(f"{e}; rebuild the folder with kashcorpus build", e.rel) from None
        except OSError as e:
            raise DatasetDamaged(f"{printable(rel[:160])} cannot be read ({e.strerror or e}); rebuild the folder with "
                                 "kashcorpus build", rel) from None

    try:
        text = read("SHA256SUMS", MAX_SUMS_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise DatasetDamaged("SHA256SUMS is not UTF-8; rebuild the folder with kashcorpus build", "SHA256SUMS") from None
    listed = {}
    for line in text.splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    files = set()
    for here, dirs, names in os.walk(folder):  # never into a linked folder
        for name in sorted(dirs + names):
            rel = (Path(here) / name).relative_to(folder).as_posix()
            if os.path.islink(Path(here) / name):
                raise DatasetDamaged(f"{printable(rel[:160])} is a symbolic link; a built folder holds none; rebuild "
                                     "it with kashcorpus build", rel)
            if name in names and rel != "SHA256SUMS" and not rel.startswith(".git"):
                files.add(rel)
    if set(listed) != files:
        rel = sorted(files ^ set(listed))[0]
        why = "is not listed in" if rel in files else "is listed in SHA256SUMS but missing from"
        raise DatasetDamaged(f"{printable(rel[:160])} {why} the folder's SHA256SUMS; rebuild it with kashcorpus "
                             "build", rel)
    for rel, digest in sorted(listed.items()):
        if hashlib.sha256(read(rel)).hexdigest() != digest:
            raise DatasetDamaged(f"{printable(rel[:160])} does not match its SHA256SUMS entry (changed or truncated "
                                 "since the build); rebuild the folder with kashcorpus build", rel)


def publish(folder: Path | str, repo_id: str, tag: str | None = None, *, private: bool = False,
            endpoint: str | None = None, token: str | None = None) -> Published:
    """Create the dataset repo (if missing), upload ``folder`` in one commit and tag it ``tag``.

    The tag must be ``v`` + the version the folder was built with. ``endpoint`` defaults to
    ``$HF_ENDPOINT``; ``token`` to the token huggingface_hub finds (``$HF_TOKEN`` or the login).
    """
    from huggingface_hub import HfApi, constants

    folder = Path(folder)
    if not REPO_ID.fullmatch(repo_id):
        raise PublishError(f"{repo_id!r} is not a repo id of the form ORG/NAME")
    verify_folder(folder)
    built_for = folder_repo_id(folder)
    if built_for != repo_id:
        raise PublishError(f"{folder} was built for the repository {built_for!r}, not {repo_id!r}: its card, citation "
                           f"and croissant.json would name the wrong one; rebuild with kashcorpus build --repo-id {repo_id}")
    version = folder_version(folder)
    if tag is not None and tag != f"v{version}":
        raise PublishError(f"the tag {tag!r} does not name the folder's version {version} (expected v{version})")
    if constants.HF_HUB_OFFLINE:
        raise PublishError("HF_HUB_OFFLINE is set; publishing needs the Hub (run with HF_HUB_OFFLINE=0)")
    api = HfApi(endpoint=endpoint or os.environ.get("HF_ENDPOINT") or None, token=token)
    try:
        url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        info = api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset",
                                 commit_message=f"kashcorpus {version}" if version else "kashcorpus dataset")
        commit = info.oid
        if tag:
            api.create_tag(repo_id, tag=tag, repo_type="dataset", revision=commit, tag_message=f"kashcorpus {version}",
                           exist_ok=False)
    except Exception as e:  # no network, a refused token, a Hub error (httpx, OSError...): one sentence, never a traceback
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise PublishError(f"the Hub did not accept the upload ({type(e).__name__}: {first[:200]}); check the network, "
                           "the endpoint and the token, then run publish again") from None
    return Published(repo_id, commit, tag, str(url))
