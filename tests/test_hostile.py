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


# The category of each case of `cases` (pytest -m hostile counts them per category).
CATEGORY = {
    "include-cycle": "front end", "self-include": "front end", "include-directory": "front end",
    "include-missing": "front end", "include-dangling-link": "front end", "nul-bytes": "front end",
    "non-utf8": "front end", "empty": "front end", "only-bom": "front end", "binary-noise": "front end",
    "missing-root": "front end", "ten-megabytes": "size limits", "ten-megabytes-of-items": "size limits",
    "long-name": "size limits", "long-line": "size limits", "deep-nesting": "size limits",
    "too-many-kernels": "size limits", "number-2^64-1": "numeric limits", "number-2^64": "numeric limits",
    "size-2^64-1": "numeric limits",
}


@pytest.mark.parametrize("name", [pytest.param(c[0], marks=pytest.mark.hostile(CATEGORY[c[0]])) for c in cases(None)])
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


SPECIAL = ["fifo-spec", "fifo-include", "fifo-counterexample", "zero-counterexample", "zero-spec", "urandom-spec",
           "urandom-counterexample", "null-spec", "socket-spec", "directory-counterexample"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.hostile("special files")
@pytest.mark.parametrize("case", SPECIAL)
def test_a_fifo_or_a_device_is_refused_before_it_is_read(tmp_path, case):
    """A FIFO as spec, include or counterexample used to hang forever, and `replay /dev/zero` read
    without bound: each is now refused, located, before a byte is read."""
    import socket
    import subprocess
    import sys

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    including = tmp_path / "inc.mk"
    including.write_text(f'include "{fifo}"\n')
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    argv = {
        "fifo-spec": [str(fifo)], "fifo-include": [str(including)], "fifo-counterexample": ["replay", str(fifo)],
        "zero-counterexample": ["replay", "/dev/zero"], "zero-spec": ["/dev/zero"], "urandom-spec": ["/dev/urandom"],
        "urandom-counterexample": ["replay", "/dev/urandom"], "null-spec": ["/dev/null"], "socket-spec": [str(sock_path)],
        "directory-counterexample": ["replay", str(tmp_path)],
    }[case]
    try:
        proc = subprocess.run([sys.executable, "-m", "checker", *argv], capture_output=True, text=True, timeout=60, cwd=ROOT)
    finally:
        sock.close()
    assert proc.returncode == 2, (argv, proc.stdout, proc.stderr)
    shown = proc.stdout + proc.stderr
    assert "Traceback" not in shown, shown
    if case == "directory-counterexample":
        assert "directory" in shown, shown
    elif case == "socket-spec":
        assert "not a regular file" in shown or "cannot read" in shown, shown
    else:
        assert "not a regular file" in shown, shown
    if case == "fifo-include":
        assert f"{including}:1:" in proc.stdout  # located at the include


@pytest.mark.hostile("counterexample files")
@pytest.mark.parametrize("case", ["version-true", "kind-null", "kind-empty", "deep-nesting", "version-2", "not-an-object",
                                  "empty-file", "truncated"])
def test_counterexample_versions_and_nesting_are_checked_strictly(tmp_path, case):
    import json as js

    good = {"format": "pcheck-counterexample", "version": 1, "machine": {}, "scenario": [], "expect": {"kind": "x"},
            "obligation": "MEM-DISJOINT"}
    content = {
        "version-true": js.dumps(dict(good, version=True)),
        "kind-null": js.dumps(dict(good, expect={"kind": None})),
        "kind-empty": js.dumps(dict(good, expect={"kind": ""})),
        "deep-nesting": "[" * 100_000 + "]" * 100_000,
        "version-2": js.dumps(dict(good, version=2)),
        "not-an-object": "[1, 2]",
        "empty-file": "",
        "truncated": js.dumps(good)[:40],
    }[case]
    path = tmp_path / "c.json"
    path.write_text(content)
    err = io.StringIO()
    assert main(["replay", str(path)], io.StringIO(), err) == 2
    assert "error" in err.getvalue() and "Traceback" not in err.getvalue()


# ---------------------------------------------------------------- output files and numbers (issue 15, items 6, 12)


@pytest.mark.hostile("output files")
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
@pytest.mark.hostile("numeric limits")
def test_a_timeout_that_is_not_finite_is_a_usage_error(value):
    from checker.cli import main

    err = io.StringIO()
    assert main(["specs/imx8mm-two-kernels.mk", "--timeout", value], io.StringIO(), err) == 2
    assert "--timeout" in err.getvalue()


@pytest.mark.hostile("output files")
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


@pytest.mark.hostile("closed streams")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
@pytest.mark.parametrize("spec", ["specs/imx8mm-resized-ram.mk", "specs/imx8mm-two-kernels.mk"])
def test_a_reader_that_goes_away_is_no_traceback_and_no_pass(fmt, spec):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "checker", spec, "--format", fmt], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before pcheck writes a byte (`| head -c 0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2 and "Traceback" not in err


@pytest.mark.hostile("closed streams")
@pytest.mark.parametrize("spec, status", [("specs/imx8mm-two-kernels.mk", 0), ("specs/imx8mm-resized-ram.mk", 1),
                                          ("tests/invalid/E201-undefined-name.mk", 2)])
def test_closed_standard_error_keeps_the_exit_status(spec, status):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "checker", spec], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=120, preexec_fn=lambda: os.close(2))
    assert proc.returncode == status, (spec, proc.returncode)


@pytest.mark.hostile("closed streams")
def test_closed_standard_input_for_a_spec_on_stdin_is_an_error():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "checker", "-"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, preexec_fn=lambda: os.close(0))
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr, (proc.stdout, proc.stderr)
    assert "standard input is closed" in proc.stderr


@pytest.mark.hostile("special files")
@pytest.mark.parametrize("source, code", [("/dev/zero", "E005"), ("bad-utf8", "E002")])
def test_standard_input_is_bounded_and_decoded_like_a_file(tmp_path, source, code):
    """`pcheck - < /dev/zero` used to read without end; bad UTF-8 on stdin is E002, located."""
    import subprocess
    import sys

    if source == "bad-utf8":
        source = tmp_path / "bad"
        source.write_bytes(b"platform p {\n  \xff }\n")
    with open(source, "rb") as feed:
        proc = subprocess.run([sys.executable, "-m", "checker", "-"], cwd=ROOT, stdin=feed, capture_output=True,
                              text=True, timeout=120)
    assert proc.returncode == 2 and f"error[{code}]" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    if code == "E002":
        assert "<stdin>:2:3: error[E002]" in proc.stdout, proc.stdout


@pytest.mark.hostile("signals")
def test_ctrl_c_is_exit_130_without_a_traceback(monkeypatch):
    import checker.cli as cli

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "dispatch", interrupted)
    err = io.StringIO()
    assert cli.main(["specs/imx8mm-two-kernels.mk"], io.StringIO(), err) == 130
    assert err.getvalue() == "pcheck: interrupted\n"


@pytest.mark.hostile("numeric limits")
def test_a_number_of_thousands_of_digits_is_e107_not_a_traceback(tmp_path):
    spec = tmp_path / "big.mk"
    spec.write_text("platform p { paddr_bits " + "9" * 5000 + " }\n")
    proc = _pcheck([str(spec)])
    assert proc.returncode == 2 and "error[E107]" in proc.stdout and "(5000 characters)" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.hostile("numeric limits")
@pytest.mark.parametrize("field, code", [
    ("paddr_bits 1e11", "E106"), ("paddr_bits 0", "E309"), ("paddr_bits 65", "E309"), ("page 0", "E309"),
    ("page 3", "E309"), ("page 1e3", "E106"), ("page 0x1_0000_0000_0000_0000", "E107"), ("max_irq 1020", "E309"),
    ("max_irq 0xffff_ffff_ffff_ffff", "E309"), ("paddr_bits -1", "E101"),
])
def test_a_platform_number_out_of_range_is_a_located_error(tmp_path, field, code):
    """`paddr_bits 1e11` and `page 0` used to end in a traceback (exit 4)."""
    spec = tmp_path / "n.mk"
    spec.write_text(f"platform p {{\n    {field}\n    cpu c0 mpidr 0\n    memory dram at 0 size 1G\n}}\n")
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    text = out.getvalue()
    assert "Traceback" not in text
    assert any(line.startswith(f"{spec}:2:") and f"error[{code}]" in line for line in text.splitlines()), text


# ---------------------------------------------------------------- line endings (issue 15, item 10)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.hostile("line endings")
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


@pytest.mark.hostile("line endings")
def test_a_comment_before_lone_crs_in_an_include_hides_nothing(tmp_path):
    inc = tmp_path / "inc.mk"
    inc.write_bytes(b"// a comment\rkernel k9 { cores zz }\r")
    spec = tmp_path / "s.mk"
    spec.write_text(f'include "{inc}"\n')
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    assert f"{inc}:2:" in out.getvalue()


# ---------------------------------------------------------------- strings and waiver subjects (issue 15, item 11)


@pytest.mark.hostile("front end")
def test_a_nul_inside_a_string_is_a_located_error(tmp_path):
    spec = tmp_path / "n.mk"
    spec.write_bytes(b'platform p { cpu c0 mpidr 0 }\nallow MEM-EXPOSE for k0 "a\x00b"\n')
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    assert f"{spec}:2:25: error[E101]: a string cannot hold a NUL character" in out.getvalue()


@pytest.mark.hostile("front end")
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
@pytest.mark.hostile("numeric limits")
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


# ---------------------------------------------------------------- duplicate lists (issue 15, item 3)


def _list_spec(tmp_path, kernel_body):
    spec = tmp_path / "d.mk"
    spec.write_text(f'include "{PLATFORM}"\nkernel k0 {{\n    ram at 0x4000_0000 size 256M\n{kernel_body}\n}}\n')
    return spec


@pytest.mark.parametrize("body, message, errors", [
    ("    cores a0, " + ", ".join(["a1"] * 65_536), "cpu 'a1' is listed 65,536 times in the cores of kernel 'k0'", 1),
    ("    profile sel4-smp\n    cores a0, a1, a2, a3, a0, a1, a2, a3, a0", "cpu 'a0' is listed 3 times in the cores of kernel 'k0'", 4),
    ("    cores a0\n    devices uart, " + ", ".join(["uart"] * 1000), "device 'uart' is listed 1,001 times in the devices of kernel 'k0'", 1),
    ("    cores a0\n    irq spi 40 level, spi 40 edge", "spi 40 is listed twice in the irqs of kernel 'k0'", 1),
], ids=["one-cpu-65536-times", "smp-through-repeats", "device-1001-times", "spi-twice"])
@pytest.mark.hostile("duplicate lists")
def test_a_list_that_repeats_a_name_is_one_located_error(tmp_path, body, message, errors):
    """A repeat used to be a second claim (CPU-EXCL proved a non-smp kernel listing one cpu 65,536
    times, or failed with an internal error); now it is E307, once per repeated name, and the
    output stays small however long the list."""
    spec = _list_spec(tmp_path, body)
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    text = out.getvalue()
    assert f": error[E307]: {message}" in text
    assert text.count("error[E307]") == errors and "Traceback" not in text
    assert len(text) < 1500 * errors, len(text)


@pytest.mark.hostile("duplicate lists")
def test_a_kernel_with_nine_distinct_cores_is_too_many_at_any_size(tmp_path):
    """The count that CPU-EXCL compares with 8 is the number of distinct cpus."""
    import checker

    cpus = "".join(f"    cpu c{i} mpidr 0x{i:x}\n" for i in range(9))
    spec = tmp_path / "nine.mk"
    spec.write_text(
        "platform p {\n    max_irq 95\n" + cpus + "    memory dram at 0x4000_0000 size 1G\n"
        "    gic v3 { distributor at 0x0800_0000 size 64K redistributors at 0x080a_0000 stride 128K lines 96 }\n}\n"
        "kernel k0 { profile sel4-smp cores " + ", ".join(f"c{i}" for i in range(9)) + " ram at 0x4000_0000 size 256M }\n")
    loaded = checker.load(str(spec))
    assert loaded.ok, loaded.diagnostics
    report = checker.check(loaded.spec, checker.Options(only=("CPU-EXCL",)))
    failed = [r for r in report.results if r.status == "failed"]
    assert [r.subject for r in failed] == ["k0"] and "has 9 cores; at most 8" in failed[0].message


@pytest.mark.parametrize("include, words", [
    ("a" * 300 + ".mk", "longer than the system allows (its longest name has 303 bytes)"),
    ("/".join(["b" * 200] * 30) + ".mk", "longer than the system allows"),
    ("s.mk/x.mk", "a part of its path is a file, not a directory"),
], ids=["name-too-long", "path-too-long", "file-as-directory"])
@pytest.mark.hostile("front end")
def test_an_include_that_cannot_name_a_file_is_e004(tmp_path, include, words):
    """An overlong name or a file used as a directory is an include that names no file: E004
    (it used to be E001, "cannot read"), located at the include."""
    spec = tmp_path / "s.mk"
    spec.write_text(f'include "{include}"\n')
    out = io.StringIO()
    assert main([str(spec)], out, io.StringIO()) == 2
    first = out.getvalue().splitlines()[0]
    assert first.startswith(f"{spec}:1:9: error[E004]: file '") and words in first, first


# ---------------------------------------------------------------- signals and -j workers (issue 15, item 8)


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def slow_spec(tmp_path_factory):
    """A spec large enough for `-j` to start workers (checker.prove.PARALLEL_FROM) and slow enough
    (several seconds) to be signalled while they work."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("signals") / "big.mk"
    text = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), "--kernels", "256", "--regions", "1024",
                           "--spis", "512", "--channels", "512", "--mix", "upstream"], capture_output=True, text=True, check=True).stdout
    path.write_text(text)
    return path


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("signame, status", [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129), ("SIGKILL", -9)])
@pytest.mark.hostile("signals")
def test_a_signalled_parallel_run_leaves_no_worker_behind(slow_spec, signame, status):
    """Ctrl-C, SIGTERM and SIGHUP end a `-j 2` run with 128 + the signal and no traceback; SIGKILL
    (a CI timeout) cannot be handled, but its workers die with it instead of computing on."""
    import signal
    import subprocess
    import sys

    # SIGINT as a terminal delivers it: a job started in the background inherits it ignored.
    proc = subprocess.Popen([sys.executable, "-m", "checker", str(slow_spec), "-j", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the run ended before its workers could be seen"
    time.sleep(0.5)  # let them work
    proc.send_signal(getattr(signal, signame))
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == status, (proc.returncode, err)
    assert "Traceback" not in err, err
    if status > 0:
        assert err.startswith("pcheck: "), err
    gone = time.monotonic() + 10
    while time.monotonic() < gone and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived their parent"
