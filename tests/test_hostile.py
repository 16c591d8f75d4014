"""Hostile inputs for the whole command line: every one ends in a located, coded
error or a valid result, never a traceback. The only time bound asserted is a
hang guard; `python bench/hostile.py` times every case."""

from __future__ import annotations

import io
import os
import time

import pytest

from checker.cli import main
from tests.corpus import ROOT

PLATFORM = os.path.join(ROOT, "specs", "platforms", "qemu-virt-gicv2.mk")
HANG_GUARD_S = 10.0


def cases(tmp):
    """name -> (files to write: relative path -> bytes, the file to check)."""
    big_name = "k" + "x" * 200_000
    nested = "platform p " + "{ " * 5000 + "}" * 5000
    many_kernels = "".join(f"kernel k{i} {{ cores a0 }}\n" for i in range(1100))
    yield "include-cycle", {"a.mk": f'include "b.mk"\ninclude "{PLATFORM}"\n'.encode(), "b.mk": b'include "a.mk"\n'}, "a.mk"
    yield "self-include", {"a.mk": f'include "a.mk"\ninclude "{PLATFORM}"\n'.encode()}, "a.mk"
    yield "include-directory", {"a.mk": b'include "."\n'}, "a.mk"
    yield "include-missing", {"a.mk": b'include "nope/none.mk"\n'}, "a.mk"
    yield "include-dangling-link", {"a.mk": b'include "link.mk"\n', "@link.mk": b"does-not-exist"}, "a.mk"
    yield "ten-megabytes", {"a.mk": b"// " + b"x" * (10 * 1024 * 1024) + b"\n"}, "a.mk"
    yield "ten-megabytes-of-items", {"a.mk": b"; " * (5 * 1024 * 1024)}, "a.mk"
    yield "long-name", {"a.mk": f'include "{PLATFORM}"\nkernel {big_name} {{ cores a0 }}\n'.encode()}, "a.mk"
    yield "long-line", {"a.mk": b"platform p { " + b"cpu c mpidr 0 gic_cpu 0 " * 20000 + b"}\n"}, "a.mk"
    yield "deep-nesting", {"a.mk": nested.encode()}, "a.mk"
    yield "nul-bytes", {"a.mk": b"platform\x00p { }\x00"}, "a.mk"
    yield "non-utf8", {"a.mk": b"platform p { \xff\xfe }"}, "a.mk"
    yield "number-2^64-1", {"a.mk": f'include "{PLATFORM}"\nshared s at 0xffff_ffff_ffff_ffff size 1 {{ }}\n'.encode()}, "a.mk"
    yield "number-2^64", {"a.mk": f'include "{PLATFORM}"\nshared s at 0x1_0000_0000_0000_0000 size 1 {{ }}\n'.encode()}, "a.mk"
    yield "size-2^64-1", {"a.mk": f'include "{PLATFORM}"\nshared s at 0x4000_0000 size 0xffff_ffff_ffff_ffff {{ }}\n'.encode()}, "a.mk"
    yield "too-many-kernels", {"a.mk": f'include "{PLATFORM}"\n{many_kernels}'.encode()}, "a.mk"
    yield "empty", {"a.mk": b""}, "a.mk"
    yield "only-bom", {"a.mk": b"\xef\xbb\xbf"}, "a.mk"
    yield "binary-noise", {"a.mk": bytes(range(256)) * 64}, "a.mk"
    yield "missing-root", {}, "none.mk"


def write(tmp, files):
    for name, data in files.items():
        if name.startswith("@"):
            os.symlink(data.decode(), tmp / name[1:])
        else:
            (tmp / name).write_bytes(data)


@pytest.mark.parametrize("name", [c[0] for c in cases(None)])
def test_hostile_input(tmp_path, name):
    files, root = next((f, r) for n, f, r in cases(tmp_path) if n == name)
    write(tmp_path, files)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    status = main([str(tmp_path / root)], out, err)
    seconds = time.perf_counter() - start
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text and status != 4, text[-2000:]
    assert seconds < HANG_GUARD_S
    if status == 2:
        # A located, coded error: file:line:col: error[Ennn]
        assert any(": error[E" in line and line.split(":")[1].isdigit() for line in text.splitlines()), text[:2000]
    else:
        assert status in (0, 1) and (": PROVED:" in text or ": FAILED:" in text)

