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


def verify_folder(folder: Path) -> None:
    """Refuse a folder that is not a complete build: every file in SHA256SUMS present with its hash, none extra."""
    sums = folder / "SHA256SUMS"
    if not (folder / "README.md").is_file() or not sums.is_file():
        raise PublishError(f"{folder} is not a built dataset folder (README.md and SHA256SUMS); run kashcorpus build")
    listed = {}
    try:
        text = sums.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise PublishError(f"the SHA256SUMS of {folder} is not UTF-8; rebuild the folder with kashcorpus build") from None
    for line in text.splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    if set(listed) != files:
        extra = sorted(files ^ set(listed))
        raise PublishError(f"{folder} does not match its SHA256SUMS (e.g. {extra[0]}); rebuild it")
    for rel, digest in listed.items():
        if hashlib.sha256((folder / rel).read_bytes()).hexdigest() != digest:
            raise PublishError(f"{rel} does not match its SHA256SUMS entry; rebuild the folder")


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
