"""The one error an import can end with: what went wrong, in which file."""

from __future__ import annotations

from pathlib import Path


class ImportFailure(Exception):
    """A document that cannot be drafted; nothing is written for it."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
