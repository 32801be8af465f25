"""Errors that point a curator at the exact file and line to fix."""

from __future__ import annotations

from pathlib import Path


class CurationError(Exception):
    """A problem in a curated file, located at ``path:line``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


class CurationErrors(Exception):
    """Several problems found in one pass, so a curator can fix them all at once."""

    def __init__(self, errors: list[CurationError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
