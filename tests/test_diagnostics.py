"""Every diagnostic code has an invalid spec that triggers it, at a stated place.

Each `tests/invalid/*.mk` states what the front end must report with lines

    // expect: error E201 12:5

(line:col of the diagnostic's span start); the test compares the exact set of
(code, line, col) reported in that file. Diagnostics located in other files
(an included platform) are not compared. Specs named `W*.mk` are checked, not
only loaded, since waivers are matched against results. Cases that cannot be
committed as a spec file (empty, non-UTF-8, huge) are generated in tmp_path.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

import checker
from checker.diagnostics import CODES, render
from checker.sources import MAX_FILE_BYTES, MAX_FILES
from checker.parse import _parser
from tests.corpus import ROOT

INVALID = os.path.join(ROOT, "tests", "invalid")
SPECS = sorted(glob.glob(os.path.join(INVALID, "*.mk")))
# `// expect: error E201 7:18`, or with a file (relative to the spec) for a diagnostic located in
# another input: `// expect: error E401 dts/E401-unterminated.dts:9:1`.
_EXPECT = re.compile(r"^\s*//\s*expect:\s*(error|warning)\s+([EW]\d{3})\s+(?:(\S+?):)?(\d+):(\d+)\s*$", re.M)
# Codes covered by the generated cases below rather than by a file.
GENERATED = {"E001", "E002", "E003", "E005"}


def expected(path: str) -> set[tuple[str, str, int, int]]:
    return {(sev, code, line, col) for sev, code, _, line, col in expected_at(path)}


def expected_at(path: str) -> set[tuple[str, str, str, int, int]]:
    """(severity, code, absolute file, line, column) of each `// expect:` line."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    here = os.path.dirname(os.path.abspath(path))
    return {(sev, code, os.path.abspath(os.path.join(here, file)) if file else os.path.abspath(path), int(line), int(col))
            for sev, code, file, line, col in _EXPECT.findall(text)}


def diagnostics_of(path: str):
    """The diagnostics and source texts for a spec: loaded, or checked for `W*` specs."""
    if os.path.basename(path).startswith("W"):
        report = checker.check_path(path)
        return report.diagnostics, report.sources
    loaded = checker.load(path)
    assert not loaded.ok, "an invalid spec must not load"
    return loaded.diagnostics, loaded.sources


def in_file(diags, path: str):
    return [d for d in diags if d.span is not None and os.path.abspath(d.span.file) == os.path.abspath(path)]


# Lark's names for terminals and rules must never reach a user.
# Hardware words that are also terminal names (the keyword `cpu` is terminal CPU)
# are fine in prose: "GICv2 CPU-interface number", "their MPIDR".
_DOMAIN_WORDS = {"CPU", "MPIDR", "GIC", "IRQ", "RAM"}
_TERMINALS = {t.name for t in _parser().terminals} - _DOMAIN_WORDS
_NOT_KEYWORDS = {"irq_kind", "trigger", "lbrace", "rbrace", "comma", "semi", "name", "number", "string"}
_LARK_NAME = re.compile(r"__ANON|\$END|\b[A-Za-z][A-Za-z0-9_]+\b")


def assert_user_words(message: str) -> None:
    # `...` quotes syntax for the user to write (`platform NAME { ... }`): placeholders there are fine.
    prose = re.sub(r"`[^`]*`", "", message)
    assert "__ANON" not in message and "$END" not in message, message
    # Lowercased terminal names that are not words of the language are leaks too
    # ("expected irq_kind"); quoted words ('spi') and prose words are not checked.
    # Quoted text is the user's own ('NUMBER' may well be a misplaced name).
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", prose)
    leaked = [w for w in _LARK_NAME.findall(unquoted) if w in _TERMINALS]
    leaked += [w for w in re.findall(r"\b[a-z_]+\b", unquoted) if w in _NOT_KEYWORDS - {"name", "number", "string"}]
    assert not leaked, (leaked, message)


def assert_rendered(diag, sources, with_excerpt: bool = True) -> None:
    text = render(diag, sources)
    lines = text.split("\n")
    span = diag.span
    assert lines[0].startswith(f"{span.file}:{span.line}:{span.column}: {diag.severity}[{diag.code}]: "), lines[0]
    if not with_excerpt:
        return
    source = sources[span.file].split("\n")[span.line - 1].rstrip("\r")
    assert lines[1] == f"{span.line:>5} | {source.expandtabs(1)}", lines[1]
    caret = lines[2]
    assert caret.strip().startswith("| ") and caret.rstrip().endswith("^"), caret
    assert caret.index("^") == len(f"{span.line:>5} | ") + span.column - 1, (caret, span)


# ---------------------------------------------------------------- the invalid corpus


@pytest.mark.parametrize("path", SPECS, ids=os.path.basename)
def test_invalid_spec(path):
    wanted = expected(path)
    assert wanted, f"{path} states no `// expect:` line"
    code = os.path.basename(path).split("-")[0]
    assert code in {c for _, c, _, _ in wanted}, f"{path} is named for {code} but does not expect it"
    diags, sources = diagnostics_of(path)
    wanted_at = expected_at(path)
    files = {f for _, _, f, _, _ in wanted_at} | {os.path.abspath(path)}
    got = {(d.severity, d.code, os.path.abspath(d.span.file), d.span.line, d.span.column)
           for d in diags if d.span is not None and os.path.abspath(d.span.file) in files}
    shown = "\n".join(render(d, sources) for d in diags)
    assert got == wanted_at, shown
    for diag in diags:
        assert diag.span is not None
        assert_user_words(diag.message)
        assert_rendered(diag, sources)
        for note in diag.notes:
            assert_user_words(note.message)


def test_every_code_has_an_invalid_spec():
    """Every code has an invalid input: a spec here, or an SDF in tests/invalid/sdf (tests/test_sdf.py)."""
    sdf = sorted(glob.glob(os.path.join(INVALID, "sdf", "*.system")))
    covered = {code for path in SPECS for _, code, _, _ in expected(path)} | GENERATED
    covered |= {m.group(1) for path in sdf for m in re.finditer(r"expect: error (E\d{3})", open(path, encoding="utf-8").read())}
    wanted = set(CODES)
    assert wanted <= covered, sorted(wanted - covered)
    named = {os.path.basename(p).split("-")[0] for p in SPECS + sdf}
    assert wanted - GENERATED <= named, sorted(wanted - GENERATED - named)


def test_expected_words_of_every_parser_state_are_user_words():
    """Whatever state a syntax error happens in, the "expected ..." list is in the user's words."""
    from checker.parse import _expected_words

    table = _parser().parser.parser.parser.parse_table
    for actions in table.states.values():
        words = _expected_words({a for a in actions if a.isupper()})  # terminals, as lark reports them
        assert_user_words(f"expected {words}")
        assert "_" not in words.replace("paddr_bits", "").replace("gic_cpu", "").replace("cpu_interface", "").replace("max_irq", ""), words


def test_cli_exits_2_on_spec_errors():
    path = os.path.join(INVALID, "E201-undefined-name.mk")
    run = subprocess.run([sys.executable, "-m", "checker", path], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "error[E201]" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


# ---------------------------------------------------------------- messages in detail


def _messages(name: str) -> dict[tuple[int, int], str]:
    path = os.path.join(INVALID, name)
    diags, _ = diagnostics_of(path)
    return {(d.span.line, d.span.column): d.message for d in in_file(diags, path)}


def test_undefined_name_suggests_the_closest_name():
    messages = _messages("E201-undefined-name.mk")
    assert messages[(4, 13)] == "'sel4_mk' is not defined; expected a profile (did you mean 'sel4-mk'?)"
    assert messages[(7, 13)] == "'uartt' is not defined; expected a device (did you mean 'uart'?)"
    assert "did you mean" not in messages[(11, 11)]  # nothing close to 'a9' among a0..a3? then no guess
    assert "expected a kernel" in messages[(16, 16)]


def test_suggestions_elsewhere():
    assert "(did you mean 'MEM-EXPOSE'?)" in _messages("E204-unknown-obligation.mk")[(8, 7)]
    assert "(did you mean 'device_untypeds'?)" in _messages("E306-unknown-setting.mk")[(4, 5)]
    assert "(did you mean 'sgi_signal'?)" in _messages("E306-unknown-setting.mk")[(5, 5)]


def test_duplicate_name_note_points_at_the_first_definition():
    path = os.path.join(INVALID, "E202-duplicate-name.mk")
    diags, _ = diagnostics_of(path)
    by_place = {(d.span.line, d.span.column): d for d in in_file(diags, path)}
    kernel = by_place[(8, 8)]
    assert kernel.message == "'k0' is defined twice (first as a kernel)"
    (note,) = kernel.notes
    assert (os.path.abspath(note.span.file), note.span.line, note.span.column) == (path, 3, 8)
    device = by_place[(13, 8)]
    (note,) = device.notes
    assert note.span.file.endswith("qemu-virt-gicv2.mk") and note.span.line == 32


def test_wrong_kind_says_both_kinds():
    messages = _messages("E203-wrong-kind.mk")
    assert messages[(5, 11)] == "'uart' is a device, but a cpu is expected here"
    assert messages[(16, 16)] == "'dram' is a memory bank, but a kernel or a protection domain is expected here"


def test_syntax_errors_say_what_was_expected_in_words():
    messages = _messages("E104-syntax-error.mk")
    assert messages[(7, 9)] == "unexpected number 0x4000_0000; expected 'at'"
    assert messages[(12, 1)] == "unexpected '}'; expected a name"
    assert messages[(18, 43)] == "unexpected name 'k1'; expected one of ',' or '}'"
    eof = _messages("E105-unexpected-eof.mk")
    assert eof[(5, 28)] == "the file ends in the middle of an item; expected a number"


def test_misspelt_keyword_is_one_word_with_a_suggestion():
    loaded = checker.load_text("kernal k0 { cores a0 }\n", "kw.mk")
    (diag,) = loaded.diagnostics
    assert (diag.code, diag.span.line, diag.span.column, diag.span.end_column) == ("E104", 1, 1, 7)
    assert diag.message.startswith("unexpected name 'kernal'; expected one of 'allow', ")
    assert diag.message.endswith("(did you mean 'kernel'?)")
    glued = checker.load_text("kernelx k0 { }\n", "kw.mk").diagnostics[0]
    assert "'kernelx'" in glued.message and glued.span.column == 1
    kinds = checker.load_text("kernel k { irq spix 1 }", "kw.mk").diagnostics[0]
    assert kinds.message == "unexpected name 'spix'; expected one of 'ppi', 'sgi' or 'spi' (did you mean 'spi'?)"


def test_keywords_are_names_where_a_name_is_expected():
    text = 'include "../../specs/platforms/qemu-virt-gicv2.mk"\nkernel cpu { cores a0 ram at 0x4000_0000 size 4K }\n'
    loaded = checker.load_text(text, os.path.join(INVALID, "kw.mk"))
    assert loaded.ok, [d.message for d in loaded.diagnostics]


def test_interrupt_kinds_and_triggers_are_names_where_a_name_is_expected():
    text = (
        'include "../../specs/platforms/qemu-virt-gicv2.mk"\n'
        "kernel spi { cores a0 ram at 0x4000_0000 size 4K irq spi 40 level }\n"
        "kernel edge { cores a1 ram at 0x4000_1000 size 4K irq spi 41 edge }\n"
    )
    loaded = checker.load_text(text, os.path.join(INVALID, "kw.mk"))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    assert [k.name for k in loaded.spec.kernels] == ["spi", "edge"]
    assert [(i.intid, i.trigger) for k in loaded.spec.kernels for i in k.irqs] == [(72, "level"), (73, "edge")]


def test_unterminated_things_point_at_their_start():
    assert _messages("E102-unterminated-string.mk") == {(8, 25): "this string is not closed with '\"' on the same line"}
    assert _messages("E103-unterminated-comment.mk") == {(5, 36): "this comment is not closed with '*/'"}


def test_number_messages():
    messages = _messages("E106-malformed-number.mk")
    assert messages[(12, 13)].startswith("'0x' is not a number: write decimal (4096), hex (0x1000)")
    big = _messages("E107-number-too-large.mk")
    assert big[(5, 12)] == "0x1_0000_0000_0000_0000 does not fit in 64 bits (the largest value is 0xffffffffffffffff)"


def test_second_platform_is_reported_in_the_users_file():
    path = os.path.join(INVALID, "E302-second-platform.mk")
    diags, _ = diagnostics_of(path)
    (diag,) = [d for d in diags if d.code == "E302"]
    assert os.path.abspath(diag.span.file) == path
    assert diag.notes[0].span.file.endswith("qemu-virt-gicv2.mk")


# ---------------------------------------------------------------- generated cases


def _only(loaded, code):
    assert not loaded.ok
    assert [d.code for d in loaded.diagnostics] == [code], [render(d, loaded.sources) for d in loaded.diagnostics]
    return loaded.diagnostics[0]


def test_e001_missing_root_file(tmp_path):
    path = str(tmp_path / "nope.mk")
    diag = _only(checker.load(path), "E001")
    assert (diag.span.file, diag.span.line, diag.span.column) == (path, 1, 1)
    assert f"'{path}' does not exist" in diag.message
    assert_rendered(diag, {}, with_excerpt=False)


def test_e001_root_is_a_directory(tmp_path):
    diag = _only(checker.load(str(tmp_path)), "E001")
    assert "is a directory" in diag.message


def test_e002_not_utf8(tmp_path):
    path = tmp_path / "latin1.mk"
    path.write_bytes("// caf\u00e9 written in Latin-1\nplatform p {\n  cpu a\u00e9 mpidr 0\n}\n".encode("latin-1"))
    loaded = checker.load(str(path))
    diag = _only(loaded, "E002")
    assert (diag.span.line, diag.span.column) == (1, 7)
    assert diag.message == "byte 0xe9 at offset 6 is not valid UTF-8; specs are UTF-8 text"
    assert_rendered(diag, loaded.sources)


def test_e002_after_a_bom(tmp_path):
    path = tmp_path / "bom.mk"
    path.write_bytes(b"\xef\xbb\xbfab\n\xffc")
    diag = _only(checker.load(str(path)), "E002")
    assert (diag.span.line, diag.span.column) == (2, 1)
    assert "byte 0xff at offset 6" in diag.message


def test_e002_in_an_included_file(tmp_path):
    (tmp_path / "plat.mk").write_bytes(b"platform p {\n \x80 }\n")
    root = tmp_path / "root.mk"
    root.write_text('include "plat.mk"\n')
    loaded = checker.load(str(root))
    diag = _only(loaded, "E002")
    assert (os.path.basename(diag.span.file), diag.span.line, diag.span.column) == ("plat.mk", 2, 2)
    assert_rendered(diag, loaded.sources)


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"// nothing\n/* at all */\n;\n", b"\xef\xbb\xbf"])
def test_e003_empty(tmp_path, content):
    path = tmp_path / "empty.mk"
    path.write_bytes(content)
    loaded = checker.load(str(path))
    diag = _only(loaded, "E003")
    assert (diag.span.line, diag.span.column) == (1, 1)
    assert_rendered(diag, loaded.sources)


def test_empty_included_file_is_fine(tmp_path):
    (tmp_path / "nothing.mk").write_text("")
    root = tmp_path / "root.mk"
    root.write_text('include "nothing.mk"\n')
    loaded = checker.load(str(root))
    assert [d.code for d in loaded.diagnostics] == ["E301"]


def test_e005_file_too_large(tmp_path):
    path = tmp_path / "huge.mk"
    line = b"// " + b"x" * 1020 + b"\n"
    path.write_bytes(line * (MAX_FILE_BYTES // len(line) + 2))
    diag = _only(checker.load(str(path)), "E005")
    assert (diag.span.line, diag.span.column) == (1, 1)
    assert "larger than 1 MiB" in diag.message


def test_e005_too_many_files(tmp_path):
    for n in range(MAX_FILES + 5):
        (tmp_path / f"f{n}.mk").write_text(f'include "f{n + 1}.mk"\n')
    loaded = checker.load(str(tmp_path / "f0.mk"))
    codes = [d.code for d in loaded.diagnostics]
    assert codes == ["E005"], codes
    diag = loaded.diagnostics[0]
    assert diag.span is not None and diag.span.line == 1 and diag.span.column == 9
    assert_rendered(diag, loaded.sources)


def test_include_of_directory_and_missing_include(tmp_path):
    (tmp_path / "sub").mkdir()
    root = tmp_path / "root.mk"
    root.write_text('include "sub"\ninclude "sub/none.mk"\n')
    loaded = checker.load(str(root))
    got = [(d.code, d.span.line, d.span.column) for d in loaded.diagnostics]
    assert got == [("E001", 1, 9), ("E004", 2, 9)]


def test_include_path_with_nul(tmp_path):
    root = tmp_path / "root.mk"
    root.write_text('include "a\x00b.mk"\n')
    diag = _only(checker.load(str(root)), "E004")
    assert (diag.span.line, diag.span.column) == (1, 9)


def test_w001_needs_a_check_not_only_a_load():
    path = os.path.join(INVALID, "W001-stale-waiver.mk")
    assert checker.load(path).ok
    report = checker.check_path(path)
    (stale,) = report.diagnostics
    assert (stale.code, stale.severity, stale.span.line) == ("W001", "warning", 16)
