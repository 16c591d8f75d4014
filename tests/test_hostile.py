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



# ---------------------------------------------------------------- special files (issue 15, item 9)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_or_a_device_is_refused_before_it_is_read(tmp_path):
    """A FIFO as spec, include or counterexample used to hang forever, and `replay /dev/zero` read
    without bound: each is now refused, located, before a byte is read."""
    import subprocess
    import sys

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    including = tmp_path / "inc.mk"
    including.write_text(f'include "{fifo}"\n')
    cases = [[str(fifo)], [str(including)], ["replay", str(fifo)], ["replay", "/dev/zero"], ["/dev/zero"]]
    for argv in cases:
        proc = subprocess.run([sys.executable, "-m", "checker", *argv], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert proc.returncode == 2, (argv, proc.stdout, proc.stderr)
        shown = proc.stdout + proc.stderr
        assert "not a regular file" in shown and "Traceback" not in shown, (argv, shown)
    proc = subprocess.run([sys.executable, "-m", "checker", str(including)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert f"{including}:1:" in proc.stdout  # located at the include


def test_counterexample_versions_and_nesting_are_checked_strictly(tmp_path):
    import io
    import json as js

    from checker.cli import main

    good = {"format": "pcheck-counterexample", "version": True, "machine": {}, "scenario": [], "expect": {"kind": "x"},
            "obligation": "MEM-DISJOINT"}
    no_kind = dict(good, version=1, expect={"kind": None})
    for content in (js.dumps(good), js.dumps(no_kind), "[" * 100_000 + "]" * 100_000):
        path = tmp_path / "c.json"
        path.write_text(content)
        err = io.StringIO()
        assert main(["replay", str(path)], io.StringIO(), err) == 2
        assert "error" in err.getvalue() and "Traceback" not in err.getvalue()


# ---------------------------------------------------------------- output files and numbers (issue 15, items 6, 12)


def test_o_naming_a_spec_is_refused_and_the_spec_kept(tmp_path):
    from checker.cli import main

    spec = tmp_path / "s.mk"
    text = open(os.path.join(ROOT, "specs", "imx8mm-two-kernels.mk"), encoding="utf-8").read().replace(
        'include "platforms/', f'include "{os.path.join(ROOT, "specs", "platforms")}/')
    spec.write_text(text)
    err = io.StringIO()
    assert main([str(spec), "-o", str(spec)], io.StringIO(), err) == 2
    assert "is a spec being checked" in err.getvalue() and spec.read_text() == text


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_timeout_that_is_not_finite_is_a_usage_error(value):
    from checker.cli import main

    err = io.StringIO()
    assert main(["specs/imx8mm-two-kernels.mk", "--timeout", value], io.StringIO(), err) == 2
    assert "--timeout" in err.getvalue()


def test_two_specs_with_one_file_name_keep_their_own_counterexamples(tmp_path):
    from checker.cli import main

    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        text = open(os.path.join(ROOT, "specs", "imx8mm-resized-ram.mk"), encoding="utf-8").read().replace(
            'include "platforms/', f'include "{os.path.join(ROOT, "specs", "platforms")}/')
        (tmp_path / d / "x.mk").write_text(text)
    out = tmp_path / "cex"
    main([str(tmp_path / "a" / "x.mk"), str(tmp_path / "b" / "x.mk"), "--cex-dir", str(out)], io.StringIO(), io.StringIO())
    names = sorted(p.name for p in out.iterdir())
    firsts = [n for n in names if n.startswith("x.")]
    seconds = [n for n in names if n.startswith("x-2.")]
    assert firsts and len(firsts) == len(seconds) == len(names) // 2


# ---------------------------------------------------------------- closed streams, interrupts, numbers (issue 15, items 6-8)


def _pcheck(args, **kw):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, **kw)


def test_a_reader_that_goes_away_is_no_traceback_and_no_pass():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "checker", "specs/imx8mm-resized-ram.mk", "--format", "json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before pcheck writes a byte (`| head -c 0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2 and "Traceback" not in err


def test_closed_standard_error_keeps_the_exit_status():
    import subprocess
    import sys

    for spec, status in (("specs/imx8mm-two-kernels.mk", 0), ("tests/invalid/E201-undefined-name.mk", 2)):
        proc = subprocess.run([sys.executable, "-m", "checker", spec], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=120, preexec_fn=lambda: os.close(2))
        assert proc.returncode == status, (spec, proc.returncode)


def test_ctrl_c_is_exit_130_without_a_traceback(monkeypatch):
    import checker.cli as cli

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "dispatch", interrupted)
    err = io.StringIO()
    assert cli.main(["specs/imx8mm-two-kernels.mk"], io.StringIO(), err) == 130
    assert err.getvalue() == "pcheck: interrupted\n"


def test_a_number_of_thousands_of_digits_is_e107_not_a_traceback(tmp_path):
    spec = tmp_path / "big.mk"
    spec.write_text("platform p { paddr_bits " + "9" * 5000 + " }\n")
    proc = _pcheck([str(spec)])
    assert proc.returncode == 2 and "error[E107]" in proc.stdout and "(5000 characters)" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# ---------------------------------------------------------------- line endings (issue 15, item 10)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_gives_the_same_lines_and_columns(tmp_path, newline):
    """Lone CRs used to put every diagnostic on line 1; a tab keeps its column and its caret."""
    spec = tmp_path / "s.mk"
    spec.write_bytes(newline.join(["kernel k0 {", "\tcores a9", "}", ""]).encode())
    err, out = io.StringIO(), io.StringIO()
    assert main([str(spec)], out, err) == 2
    text = out.getvalue()
    assert f"{spec}:2:8: error[E201]" in text
    # The tab is shown as one space, so the caret stays under column 8.
    assert "    2 |  cores a9\n      |        ^^\n" in text


def test_a_comment_before_lone_crs_in_an_include_hides_nothing(tmp_path):
    inc = tmp_path / "inc.mk"
    inc.write_bytes(b"// a comment\rkernel k9 { cores zz }\r")
    spec = tmp_path / "s.mk"
    spec.write_text(f'include "{inc}"\n')
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    assert f"{inc}:2:" in out.getvalue()


# ---------------------------------------------------------------- strings and waiver subjects (issue 15, item 11)


def test_a_nul_inside_a_string_is_a_located_error(tmp_path):
    spec = tmp_path / "n.mk"
    spec.write_bytes(b'platform p { cpu c0 mpidr 0 }\nallow MEM-EXPOSE for k0 "a\x00b"\n')
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    assert f"{spec}:2:25: error[E101]: a string cannot hold a NUL character" in out.getvalue()


def test_a_waiver_can_name_a_device_called_spi(tmp_path):
    spec = tmp_path / "s.mk"
    spec.write_text(
        "platform p { cpu c0 mpidr 0 cpu c1 mpidr 1 memory dram at 0 size 1G gic v3 { distributor at 0x800_0000 size 64K "
        "redistributors at 0x80a_0000 stride 128K lines 64 } device spi at 0x900_0000 size 4K max_irq 63 }\n"
        "kernel k0 { cores c0 ram at 0 size 16M devices spi }\n"
        "kernel k1 { cores c1 ram at 0x100_0000 size 16M devices spi }\n"
        'allow DEV-EXCL for spi "shared on purpose"\n')
    out = io.StringIO()
    main([str(spec)], out, io.StringIO())
    assert "WAIVED DEV-EXCL spi" in out.getvalue() and "error[" not in out.getvalue()


# ---------------------------------------------------------------- numeric limits (issue 15, item 5)


@pytest.mark.parametrize("spec, old, new", [
    ("qemu-v2-virtio-split.mk", "    sgi 6", "    sgi 6\n    target 0x1_0000_0000"),
    ("rock3b-icfgr-word.mk", "target 0x100", "target 0x1_0000_0000"),
])
def test_a_target_of_2_to_the_32_is_no_target(tmp_path, spec, old, new):
    """seL4 refuses an SGI target above 7 (GICv2) or 0xFFFF_FFFF (GICv3): IPI-TARGET fails it."""
    import checker

    text = open(os.path.join(ROOT, "specs", spec), encoding="utf-8").read().replace(
        'include "platforms/', f'include "{os.path.join(ROOT, "specs", "platforms")}/')
    assert old in text
    path = tmp_path / spec
    path.write_text(text.replace(old, new, 1))
    report = checker.check(checker.load(str(path)).spec, checker.Options(only=("IPI-TARGET",)))
    failed = [r for r in report.results if r.status == "failed"]
    assert failed and all("seL4_InvalidArgument" in r.message for r in failed)
