"""Errors meant for people: one sentence, a stable code, details as data; the CLI maps them to exit codes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .findings import Finding


class KashcorpusError(Exception):
    """Base of every error the tools raise for the user to read (never a traceback).

    >>> e = UsageError("--jobs takes a whole number of 1 or more")
    >>> e.code, e.exit_code, str(e)
    ('usage', 2, '--jobs takes a whole number of 1 or more')
    """

    code = "error"
    exit_code = 2

    def __init__(self, message: str, details: list[Any] | None = None):
        super().__init__(message)
        self.details: list[Any] = details or []


class UsageError(KashcorpusError):
    """Bad input from the user on the command line: one clear sentence, exit 2."""

    code = "usage"


class StoreError(KashcorpusError):
    """A change that cannot be made; the message is one sentence for the user."""

    code = "store"


class ChangeRefused(StoreError):
    """The change would introduce validator errors; nothing was written."""

    code = "change-refused"
    exit_code = 1

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message, [f.as_dict() for f in findings])
        self.findings = findings


class LockTimeout(StoreError):
    """A file stayed locked by another command for longer than ``--timeout``; nothing was changed."""

    code = "lock-timeout"
    exit_code = 1


class AnnotateError(StoreError):
    """Bad input to an annotation command: one sentence (``details`` carries lists for ``--json``)."""

    code = "annotate"


class SourceError(KashcorpusError, ValueError):
    """A diff side that is neither a built folder, a checkout nor a git revision."""

    code = "diff-source"


class PublishError(KashcorpusError, ValueError):
    """The folder or the arguments are not fit to publish (one sentence)."""

    code = "publish"


class ConvertError(KashcorpusError, ValueError):
    """A file to import that is not in the format it claims (one sentence naming the file): a data error, exit 1."""

    code = "convert"
    exit_code = 1


class FileUnsafe(KashcorpusError):
    """A file of the checkout that is a symbolic link (or lies behind one, or outside the checkout): it is not read.

    Only the place inside the checkout is named, never what the link points to.

    >>> FileUnsafe("corpus/texts/kash-004.txt").code
    'file-unsafe'
    """

    code = "file-unsafe"
    exit_code = 1

    def __init__(self, rel: str, what: str = "a symbolic link"):
        super().__init__(f"{rel} is {what}; it is not followed or read (replace it by a regular file)")
        self.rel, self.what = rel, what


class ArchiveUnsafe(KashcorpusError, ValueError):
    """An archive (a revision's files from ``git archive``) with a member that is not a plain file or folder
    inside it; nothing is extracted."""

    code = "archive-unsafe"
    exit_code = 1


class CorpusInvalid(KashcorpusError):
    """The corpus has an error (:func:`kashcorpus.validate.check` raises it with the first one)."""

    code = "corpus-invalid"
    exit_code = 1

    def __init__(self, finding: Finding):
        super().__init__(f"{finding.location}: {finding.code}: {finding.message}")
        self.finding = finding

    def __reduce__(self) -> tuple[type, tuple[Finding]]:  # raised in a build worker, it comes back whole
        return type(self), (self.finding,)

class CodedRefusal(KashcorpusError):
    """An input refused with one of several codes of the catalogue, given with the message; exit 1, nothing written."""

    exit_code = 1

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class PredictionsError(CodedRefusal):
    """Predictions that cannot be scored at all: none found where they were looked for, or a file that is not in
    the format its name says (one sentence naming the place and what was looked for); exit 1.

    >>> e = PredictionsError("no-predictions", "run/ holds no <doc>.jsonl file")
    >>> e.code, e.exit_code
    ('no-predictions', 1)
    """


class AddRefused(CodedRefusal):
    """A file ``kashcorpus document add`` refuses (its code is one of the catalogue's ``additions``); nothing
    was written.

    >>> e = AddRefused("add-empty", "cannot add a.txt: a.txt is empty; nothing was written")
    >>> e.code, e.exit_code
    ('add-empty', 1)
    """


class DatasetDamaged(PublishError):
    """A built dataset folder that is not whole (a file missing, changed, extra or a link): named, exit 1."""

    code = "dataset-damaged"
    exit_code = 1

    def __init__(self, message: str, rel: str | None = None):
        super().__init__(message)
        self.rel = rel
