"""Reading spec files: the root, then its includes, each file once.

Include paths are relative to the including file. A file reached twice (a
diamond or a cycle of includes) is read and parsed once, so include cycles are
harmless. Every problem reading a file becomes a located diagnostic.
"""

from __future__ import annotations

import errno
import os
import stat

from checker import ast
from checker.data import frozen
from checker.diagnostics import Diagnostic, error
from checker.parse import parse_text
from checker.span import Span

# The largest spec file read: a realistic system (bench "large", 256 kernels)
# is about 300 KiB; the parser handles roughly 20-50k tokens a second.
MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 256


@frozen
class Sources:
    """The parsed files of one spec, root first, with their texts for excerpts."""

    root: str
    files: tuple[ast.FileAst, ...]
    texts: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


class NotRegular(OSError):
    """A path that names a directory, a FIFO, a device or a socket, not a file."""


def read_regular(path: str, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file. Opened without blocking and checked before a
    byte is read, so a FIFO cannot hang pcheck and a device (`/dev/zero`) cannot feed it forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise NotRegular(f"'{path}' is {kind}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def _read(path: str, where: Span | None) -> tuple[str | None, Diagnostic | None]:
    """The text of `path`, or the diagnostic that says why it cannot be had."""
    at = where or Span.point(path, 1, 1)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotRegular as exc:
        return None, error("E001", f"{exc}; a spec must be a file", at)
    except IsADirectoryError:
        return None, error("E001", f"'{path}' is a directory, not a spec file", at)
    except FileNotFoundError:
        code = "E004" if where else "E001"
        return None, error(code, f"file '{path}' does not exist", at)
    except NotADirectoryError:
        # `include "board.mk/x.mk"`: a component of the path is a file, so nothing is there.
        code = "E004" if where else "E001"
        return None, error(code, f"file '{path}' does not exist: a part of its path is a file, not a directory", at)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            # No file can have that name, so none was found (the documented code for an include).
            code = "E004" if where else "E001"
            longest = max((len(part.encode()) for part in path.split(os.sep)), default=0)
            return None, error(code, f"file '{path}' does not exist: the path or one of its names is longer than the "
                                     f"system allows (its longest name has {longest} bytes)", at)
        return None, error("E001", f"cannot read '{path}': {exc.strerror or exc}", at)
    if len(data) > MAX_FILE_BYTES:
        return None, _too_large(path, at)
    return decode(data, path)


def _too_large(path: str, at: Span) -> Diagnostic:
    return error("E005", f"'{path}' is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a spec this size is not supported", at)


def decode(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is allowed), or an E002 pointing at the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # `exc.start` counts from after a BOM; `exc.object` is the data it counts in.
        bom = len(data) - len(exc.object)
        good = exc.object[: exc.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        return None, error(
            "E002",
            f"byte 0x{exc.object[exc.start]:02x} at offset {bom + exc.start} is not valid UTF-8; specs are UTF-8 text",
            Span.point(path, line, column),
        )
    return lines(text), None


def lines(text: str) -> str:
    """CRLF and lone CR line ends as LF: lines and columns count the same whatever the editor wrote."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _shown(path: str) -> str:
    """A file that is not UTF-8, decoded with U+FFFD for the bad bytes, only for excerpts."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def load_text(text: str, path: str, base_dir: str | None = None) -> Sources:
    """Parse `text` as the root file `path`, following its includes on disk."""
    return _load(path, lines(text), base_dir)


def _with_device_trees(file_ast: ast.FileAst, directory: str, texts: dict[str, str], diagnostics: list[Diagnostic]) -> ast.FileAst:
    """The file with each `platform ... from dts` block read from its device tree (checker.dts)."""
    from attrs import evolve

    from checker import dts

    items = []
    for item in file_ast.items:
        if isinstance(item, ast.PlatformAst) and item.dts is not None:
            expanded, dts_texts, found = dts.expand(item, directory)
            texts.update(dts_texts)
            diagnostics += found
            if expanded is None:
                continue
            item = expanded
        items.append(item)
    return evolve(file_ast, items=tuple(items))


def load_bytes(data: bytes, path: str, base_dir: str | None = None) -> Sources:
    """Like `load_text`, for the raw bytes of a spec that is not a file (standard input): at most
    MAX_FILE_BYTES of UTF-8 (`data` may hold one byte more, to tell that it is larger)."""
    if len(data) > MAX_FILE_BYTES:
        return Sources(path, (), {}, (_too_large(path, Span.point(path, 1, 1)),))
    text, problem = decode(data, path)
    if problem is not None:
        return Sources(path, (), {path: data.decode("utf-8-sig", errors="replace")}, (problem,))
    assert text is not None
    return _load(path, text, base_dir)


def load_path(path: str) -> Sources:
    """Read and parse the spec at `path` and everything it includes."""
    return _load(path, None, None)


def _load(root: str, root_text: str | None, base_dir: str | None) -> Sources:
    diagnostics: list[Diagnostic] = []
    texts: dict[str, str] = {}
    files: list[ast.FileAst] = []
    seen: set[str] = set()
    # (display path, text or None to read, span of the include that named it, dir for includes)
    queue: list[tuple[str, str | None, Span | None, str]] = [
        (root, root_text, None, base_dir if base_dir is not None else os.path.dirname(root))
    ]
    while queue:
        path, text, where, directory = queue.pop(0)
        if "\x00" in path:  # the OS cannot even look such a path up
            diagnostics.append(error("E004" if where else "E001", f"the path {path!r} contains a NUL character", where or Span.point(path, 1, 1)))
            continue
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_FILES:
            diagnostics.append(error("E005", f"more than {MAX_FILES} files are included", where))
            break
        if text is None:
            text, problem = _read(path, where)
            if problem:
                diagnostics.append(problem)
                if problem.code == "E002" and problem.span is not None and problem.span.file == path:
                    texts[path] = _shown(path)  # so the excerpt can show the line with the bad byte
                continue
        texts[path] = text
        if where is None and not text.strip():
            diagnostics.append(error("E003", f"'{path}' is empty; a spec needs at least a platform", Span.point(path, 1, 1)))
            continue
        file_ast, found = parse_text(text, path)
        if where is None and not file_ast.items and not found:
            # Only comments, blank lines and `;`: as empty as a file with nothing in it.
            diagnostics.append(error("E003", f"'{path}' has no items, only comments; a spec needs at least a platform", Span.point(path, 1, 1)))
            continue
        diagnostics += found
        if any(isinstance(item, ast.PlatformAst) and item.dts is not None for item in file_ast.items):
            file_ast = _with_device_trees(file_ast, directory, texts, diagnostics)
        files.append(file_ast)
        for item in file_ast.items:
            if isinstance(item, ast.Include):
                target = os.path.normpath(os.path.join(directory, item.path))
                queue.append((target, None, item.span, os.path.dirname(target)))
    return Sources(root, tuple(files), texts, tuple(diagnostics))
