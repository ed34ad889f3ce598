"""Optional extras: import a module an extra installs, or say in one line how to install it."""
from __future__ import annotations

import importlib


class MissingExtra(ImportError):
    """A feature needs a module that only an extra of the package installs.

    >>> str(MissingExtra("spacy", "spacy", "spaCy export"))
    'spaCy export needs spacy, which is not installed: pip install "kashcorpus[spacy]"'
    """

    def __init__(self, extra: str, module: str, feature: str):
        self.extra, self.module, self.feature = extra, module, feature
        super().__init__(f'{feature} needs {module}, which is not installed: pip install "kashcorpus[{extra}]"',
                         name=module)


def require(module: str, extra: str, feature: str):
    """Import ``module``, or raise :class:`MissingExtra` when it (not one of its own imports) is missing.

    >>> require("json", "none", "JSON").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] == module.split(".")[0]:
            raise MissingExtra(extra, module, feature) from None
        raise
