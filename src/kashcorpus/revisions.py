"""A git repository's revisions: which commit a reference names (release references without tags too), and the version at a commit."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .errors import SourceError

VERSION_FILE = "src/kashcorpus/__init__.py"
VERSION_RE = re.compile(r'^__version__ = "([^"]+)"', re.M)
RELEASE_REF = re.compile(r"v(\d+\.\d+\.\d+)")  # a release tag, vMAJOR.MINOR.PATCH


def changelog_versions(text: str) -> list[str]:
    """The versions that have a section in a Keep-a-Changelog file.

    >>> changelog_versions("## [Unreleased]\\n## [0.2.0] - 2026-11-22\\n")
    ['0.2.0']
    """
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.M)


MAX_REVISION = 255  # git's own limit on a reference name's length


def check_revision(rev: str, role: str = "revision") -> str:
    """``rev`` if it can only be read as a revision: not empty, no leading ``-`` (git would take it for an
    option), no control characters, at most :data:`MAX_REVISION` characters; else :class:`SourceError`.

    >>> check_revision("v1.0.0")
    'v1.0.0'
    >>> check_revision("--output=x")
    Traceback (most recent call last):
    kashcorpus.errors.SourceError: revision '--output=x' starts with '-'; a revision never does (an option is not a revision)
    """
    if not isinstance(rev, str) or not rev.strip():
        raise SourceError(f"{role} is empty; name a commit, branch, tag or folder")
    if rev.startswith("-"):
        raise SourceError(f"{role} {rev[:80]!r} starts with '-'; a revision never does (an option is not a revision)")
    if len(rev) > MAX_REVISION:
        raise SourceError(f"{role} is {len(rev)} characters long; a revision has at most {MAX_REVISION}")
    if any(ord(c) < 32 or ord(c) == 127 for c in rev):
        raise SourceError(f"{role} {rev!r} has control characters; a revision has none")
    return rev


def _git(repo: Path, *args: str) -> bytes:
    r = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if r.returncode != 0:
        raise SourceError(r.stderr.decode("utf-8", "replace").strip().splitlines()[-1] if r.stderr else "git failed")
    return r.stdout


def version_at(repo: Path, rev: str) -> str | None:
    """The package version at a git revision (``__version__`` in the package's ``__init__.py``)."""
    try:
        check_revision(rev)
        m = VERSION_RE.search(_git(repo, "show", "--end-of-options", f"{rev}:{VERSION_FILE}").decode("utf-8"))
    except SourceError:
        return None
    return m.group(1) if m else None


def release_commit(repo: Path, version: str) -> str | None:
    """The commit that released ``version``: the first commit in the history of ``HEAD`` whose package
    version is ``version`` and whose ``CHANGELOG.md`` has the section ``## [version]`` (the release
    commit of docs/release.md). ``None`` when there is none.
    """
    pattern = rf'__version__ = "{re.escape(version)}"|^## \[{re.escape(version)}\]'
    log = _git(repo, "log", "--reverse", "--format=%H", "-G", pattern, "HEAD", "--", "CHANGELOG.md", VERSION_FILE)
    for commit in log.decode().split():
        try:
            changelog = _git(repo, "show", f"{commit}:CHANGELOG.md").decode("utf-8")
        except SourceError:
            continue
        if version_at(repo, commit) == version and version in changelog_versions(changelog):
            return commit
    return None


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit that ``rev`` names in ``repo``. A release reference ``vX.Y.Z`` that is not a tag (a clone
    without tags) names the commit that released ``X.Y.Z`` (:func:`release_commit`).

    Raises :class:`SourceError` saying why ``rev`` names no commit.
    """
    check_revision(rev)
    r = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                       capture_output=True)
    if r.returncode == 0:
        return r.stdout.decode().strip()
    _git(repo, "rev-parse", "--git-dir")  # not a repository at all: git says so
    m = RELEASE_REF.fullmatch(rev)
    if m:
        commit = release_commit(repo, m.group(1))
        if commit:
            return commit
        shallow = _git(repo, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
        raise SourceError(f"no tag {rev} and no commit in the history of HEAD released {m.group(1)} (sets that "
                          "version with its CHANGELOG.md section)"
                          + ("; this clone is shallow: git fetch --unshallow" if shallow else ""))
    raise SourceError(f"no commit, branch or tag {rev!r} in {repo}")
