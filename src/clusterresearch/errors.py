"""The one error type that user input raises, formatted for a one-line CLI message."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad user input: names the file, the place in it (row and/or column) and the fault.

    The CLI prints ``error: <file>: <where>: <message>`` and exits with status 2.
    """

    def __init__(self, file: str | Path, where: str, message: str):
        from .config import shown

        self.file = shown(file)  # a packaged file by its path in the repository, never site-packages
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


def where(row: int | None = None, column: str | None = None) -> str:
    """Describe a place in a table; rows count as a spreadsheet user sees them (header = 1)."""
    parts = []
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts) if parts else "file"
