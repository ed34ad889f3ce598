"""kashcorpus publish against a small mock Hugging Face Hub on 127.0.0.1: the calls it makes, in order."""
from __future__ import annotations

import json
import threading
from typing import ClassVar
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kashcorpus.build import build
from kashcorpus.cli import main


class MockHub(BaseHTTPRequestHandler):
    """Answers the Hub API calls of create_repo, upload_folder and create_tag; records each one."""

    calls: ClassVar[list[tuple[str, str, bytes]]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _reply(self, status: int, body: dict | list) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.calls.append(("GET", self.path, b""))
        self._reply(404, {"error": "not found"})

    def do_HEAD(self):
        self.calls.append(("HEAD", self.path, b""))
        self.send_response(404)
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.calls.append(("POST", self.path, body))
        path = self.path.split("?")[0]
        if path == "/api/repos/create":
            name = json.loads(body)["name"]
            org = json.loads(body).get("organization")
            return self._reply(200, {"url": f"http://{self.headers['Host']}/datasets/{org}/{name}",
                                     "name": f"{org}/{name}"})
        if path == "/api/validate-yaml":
            return self._reply(200, {"errors": [], "warnings": []})
        if "/preupload/" in path:
            files = json.loads(body)["files"]
            return self._reply(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                               for f in files]})
        if "/commit/" in path:
            repo = path.split("/commit/")[0].removeprefix("/api/datasets/")
            return self._reply(200, {"commitUrl": f"http://{self.headers['Host']}/datasets/{repo}/commit/{'a' * 40}",
                                     "commitOid": "a" * 40,
                                     "pullRequestUrl": None})
        if "/tag/" in path:
            return self._reply(200, {})
        return self._reply(404, {"error": f"unexpected {path}"})


@pytest.fixture
def hub(monkeypatch):
    from huggingface_hub import constants

    MockHub.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), MockHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("HF_TOKEN", "hf_" + "x" * 34)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    yield MockHub.calls
    server.shutdown()
    server.server_close()


@pytest.fixture
def folder(repo_root, tmp_path) -> Path:
    out = tmp_path / "dataset"
    build(repo_root, out, repo_id="kash-org/kashcorpus")
    return out


def test_publish_creates_the_repo_uploads_every_file_in_one_commit_and_tags_it(hub, folder, capsys):
    from kashcorpus import __version__

    assert main(["publish", str(folder), "--repo-id", "kash-org/kashcorpus", "--tag", f"v{__version__}"]) == 0
    assert "tagged v" in capsys.readouterr().out
    posts = [(m, p.split("?")[0]) for m, p, _ in hub if m == "POST"]
    kinds = [p.rsplit("/", 2)[-2] if p.startswith("/api/datasets/") else p for _, p in posts]
    assert kinds[0] == "/api/repos/create"
    assert "commit" in kinds and "tag" in kinds and kinds.index("preupload") < kinds.index("commit") < kinds.index("tag")
    create = json.loads(next(b for m, p, b in hub if p.startswith("/api/repos/create")))
    assert create["name"] == "kashcorpus" and create["organization"] == "kash-org" and create["type"] == "dataset"
    commit = next(b for m, p, b in hub if "/commit/" in p)
    lines = [json.loads(x) for x in commit.decode().splitlines()]
    uploaded = {x["value"]["path"] for x in lines if x["key"] == "file"}
    expected = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert uploaded == expected
    tag = json.loads(next(b for m, p, b in hub if "/tag/" in p))
    assert tag["tag"] == f"v{__version__}"
    assert next(p for m, p, b in hub if "/tag/" in p).split("?")[0].endswith("/tag/" + "a" * 40)


def test_a_tag_that_is_not_the_folder_version_is_refused_before_any_call(hub, folder, capsys):
    assert main(["publish", str(folder), "--repo-id", "kash-org/kashcorpus", "--tag", "v99.0.0"]) == 2
    assert "does not name the folder's version" in capsys.readouterr().err
    assert hub == []


def test_a_folder_that_does_not_match_its_checksums_is_refused(hub, folder, capsys):
    (folder / "extra.txt").write_text("x")
    assert main(["publish", str(folder), "--repo-id", "kash-org/kashcorpus"]) == 2
    assert "SHA256SUMS" in capsys.readouterr().err
    assert hub == []


def test_a_folder_built_for_another_repository_is_refused_before_any_call(hub, folder, capsys):
    assert main(["publish", str(folder), "--repo-id", "other-org/kashcorpus"]) == 2
    err = capsys.readouterr().err
    assert "built for the repository 'kash-org/kashcorpus', not 'other-org/kashcorpus'" in err
    assert "kashcorpus build --repo-id other-org/kashcorpus" in err
    assert hub == []


def test_a_bad_repo_id_is_a_usage_error(hub, folder, capsys):
    assert main(["publish", str(folder), "--repo-id", "no-slash"]) == 2
    assert "ORG/NAME" in capsys.readouterr().err


def test_no_network_a_non_utf8_checksum_file_or_a_broken_croissant_is_one_coded_line(folder, monkeypatch, capsys):
    from huggingface_hub import constants

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HF_TOKEN", "hf_" + "x" * 34)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    argv = ["publish", str(folder), "--repo-id", "kash-org/kashcorpus"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the Hub did not accept the upload" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    croissant = (folder / "croissant.json").read_bytes()
    (folder / "croissant.json").write_bytes(b"{not json")
    assert main(argv) == 2
    assert "croissant.json" in capsys.readouterr().err
    (folder / "croissant.json").write_bytes(croissant)
    (folder / "SHA256SUMS").write_bytes(b"\xff\xfe")
    assert main(argv) == 2
    assert "not UTF-8" in capsys.readouterr().err
