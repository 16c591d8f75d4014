"""Source locations: every AST node, Spec object and diagnostic carries one."""

from __future__ import annotations

from checker.data import frozen


@frozen
class Span:
    """A range in a spec file; lines and columns count from 1, `end` is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def point(cls, file: str, line: int, column: int) -> "Span":
        """A one-character span, for errors that point at a single place."""
        return cls(file, line, column, line, column + 1)
