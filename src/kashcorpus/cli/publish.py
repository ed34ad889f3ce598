"""kashcorpus publish: push the built dataset folder to the Hugging Face Hub and tag the version."""
from __future__ import annotations

import sys

from ._common import UsageError


def register(sub) -> None:
    p = sub.add_parser("publish", help="push the built dataset folder to the Hugging Face Hub and tag it",
                       description="Create the dataset repo on the Hub if needed, upload the built folder in one "
                                   "commit (after checking it against its SHA256SUMS) and tag that commit. Uses "
                                   "$HF_ENDPOINT and the token huggingface_hub finds ($HF_TOKEN or the login).",
                       epilog="Example: HF_HUB_OFFLINE=0 kashcorpus publish --repo-id ORG/kashcorpus --tag v1.0.0")
    p.add_argument("folder", nargs="?", default="dist/dataset", help="built folder (default dist/dataset)")
    p.add_argument("--repo-id", required=True, help="ORG/NAME of the dataset repo")
    p.add_argument("--tag", help="tag for the commit: v + the folder's version, e.g. v1.0.0")
    p.add_argument("--private", action="store_true", help="create the repo as private")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..publish import PublishError, publish

    try:
        done = publish(args.folder, args.repo_id, args.tag, private=args.private)
    except PublishError as e:
        raise UsageError(str(e)) from e
    sys.stdout.write(f"published {args.folder} to {done.url} at commit {done.commit}"
                     + (f", tagged {done.tag}" if done.tag else "") + "\n")
    return 0
