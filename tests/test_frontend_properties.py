"""Property tests of the front end: whatever the input, no exception escapes,
and a spec that does not load says why at a place inside its file.

Inputs are random text, random bytes (read from disk, so decoding is tested),
grammar-shaped token soup, and mutations of the valid corpus specs.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import checker
from checker.diagnostics import render
from tests.corpus import ROOT
from tests.test_diagnostics import assert_user_words

SPECS = sorted(glob.glob(os.path.join(ROOT, "specs", "*.mk")) + glob.glob(os.path.join(ROOT, "specs", "platforms", "*.mk")))
TEXTS = {path: open(path, encoding="utf-8").read() for path in SPECS}
_TOKEN = re.compile(r'\s+|//[^\n]*|/\*.*?\*/|"[^"\n]*"|[A-Za-z0-9_][A-Za-z0-9_-]*|\S', re.S)
TOKENS = {path: _TOKEN.findall(text) for path, text in TEXTS.items()}
VOCABULARY = sorted({t for toks in TOKENS.values() for t in toks if not t.isspace()})

# PCHECK_FUZZ_EXAMPLES=5000 runs a long fuzzing session; the default keeps the file under a minute.
EXAMPLES = int(os.environ.get("PCHECK_FUZZ_EXAMPLES", "100"))
FAST = settings(deadline=None, max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])


def check_loaded(loaded: checker.Loaded) -> None:
    """The invariants every load must keep."""
    errors = [d for d in loaded.diagnostics if d.is_error]
    if loaded.ok:
        assert not errors
        return
    assert errors, "a spec that does not load must have an error diagnostic"
    for diag in loaded.diagnostics:
        assert diag.span is not None, diag
        text = loaded.sources.get(diag.span.file)
        if text is None:  # a file that could not be read: the root itself (E001/E002/E005)
            assert diag.span.file == loaded.path and diag.code in ("E001", "E002", "E005"), diag
            assert diag.span.line >= 1 and diag.span.column >= 1
            continue
        lines = text.split("\n")
        assert 1 <= diag.span.line <= len(lines) + 1, (diag, len(lines))
        assert diag.span.column >= 1, diag
        if diag.span.line <= len(lines):
            assert diag.span.column <= len(lines[diag.span.line - 1]) + 1, (diag, lines[diag.span.line - 1])
        assert_user_words(diag.message)
        assert render(diag, loaded.sources).startswith(f"{diag.span}: ")


def load_text(text: str, path: str) -> checker.Loaded:
    loaded = checker.load_text(text, path)
    check_loaded(loaded)
    return loaded


def load_bytes(data: bytes, name: str = "spec.mk") -> checker.Loaded:
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.join(ROOT, "specs", "platforms"), os.path.join(tmp, "platforms"))
        path = os.path.join(tmp, name)
        with open(path, "wb") as handle:
            handle.write(data)
        loaded = checker.load(path)
    check_loaded(loaded)
    return loaded


# ---------------------------------------------------------------- random input


@FAST
@given(st.text(max_size=300))
@example("\x00")
@example("platform p {\x00}")
@example("\ufeffplatform p { }")
@example("/*")
@example('"')
@example("platform p { page 0x1_0000_0000_0000_0000 }")
@example("\r\n\f\v\x1c\x85\u2028platform @")
def test_random_text_never_raises(text):
    load_text(text, os.path.join(ROOT, "tests", "invalid", "random.mk"))


@FAST
@given(st.binary(max_size=300))
@example(b"\xff\xfe")
@example(b"platform p {\n\xc3\x28 }")
@example(b"\xef\xbb\xbf")
@example(b"\x00\x00\x00")
def test_random_bytes_never_raise(data):
    load_bytes(data)


_SOUP = st.lists(
    st.one_of(
        st.sampled_from(VOCABULARY),
        st.sampled_from(["{", "}", ",", ";", '"', "/*", "*/", "//", "\n", "0x", "0b", "4K", "_", "-", "@"]),
        st.integers(min_value=0, max_value=1 << 70).map(str),
        st.integers(min_value=0, max_value=1 << 70).map(hex),
    ),
    max_size=60,
)


@FAST
@given(_SOUP, st.sampled_from([" ", "\n", ""]))
def test_token_soup_never_raises(tokens, sep):
    load_text(sep.join(tokens), os.path.join(ROOT, "specs", "soup.mk"))


# ---------------------------------------------------------------- mutations of the corpus


@st.composite
def mutated(draw):
    """A corpus spec with one to three token-level edits, or truncated."""
    path = draw(st.sampled_from(SPECS))
    toks = list(TOKENS[path])
    words = [i for i, t in enumerate(toks) if not t.isspace()]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "number", "truncate"]))
        if kind == "truncate":
            text = "".join(toks)
            return path, text[: draw(st.integers(0, len(text)))]
        i = draw(st.sampled_from(words))
        if kind == "delete":
            toks[i] = ""
        elif kind == "duplicate":
            toks[i] = toks[i] + " " + toks[i]
        elif kind == "swap":
            j = draw(st.sampled_from(words))
            toks[i], toks[j] = toks[j], toks[i]
        elif kind == "replace":
            toks[i] = draw(st.sampled_from(VOCABULARY))
        elif kind == "number":
            toks[i] = draw(st.sampled_from([hex, str])) (draw(st.integers(0, 1 << 66)))
        else:
            toks[i] = toks[i] + draw(st.text(min_size=1, max_size=4))
    return path, "".join(toks)


@settings(deadline=None, max_examples=4 * EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus_never_raises(case):
    path, text = case
    load_text(text, path)


@FAST
@given(st.sampled_from(SPECS), st.data())
def test_mutated_corpus_on_disk(path, data):
    """The same through `checker.load`, with the bytes re-encoded and a byte flipped."""
    raw = bytearray(TEXTS[path].encode("utf-8"))
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] = data.draw(st.integers(0, 255))
    loaded = load_bytes(bytes(raw), os.path.basename(path))
    assert loaded.ok or loaded.diagnostics


def test_corpus_loads_cleanly():
    for path in SPECS:
        loaded = checker.load(path)
        assert loaded.ok, [d.message for d in loaded.diagnostics]


# ---------------------------------------------------------------- edge cases


def test_deep_nesting():
    text = "platform p " + "{" * 5000 + "}" * 5000
    loaded = load_text(text, "deep.mk")
    assert not loaded.ok


def test_deeply_nested_comments_and_many_items():
    text = "/*" * 3000 + "*/" + "\n" + ";\n" * 20000
    load_text(text, "many.mk")


def test_very_long_line_and_name():
    name = "n" * 100_000
    text = f"platform {name} {{ cpu {name}x mpidr 0 }}\nkernel k {{ cores {name}y }}"
    loaded = load_text(text, "long.mk")
    assert any(d.code == "E201" for d in loaded.diagnostics)
    too_long = "platform p { page 4K " + " ".join(["page 4K"] * 2000) + " }"
    load_text(too_long, "long2.mk")


def test_nul_bytes():
    for text in ("\x00", "platform p\x00 { }", "kernel k { cores a\x00b }", 'allow X for y "a\x00b"'):
        loaded = load_text(text, "nul.mk")
        assert not loaded.ok
    loaded = load_bytes(b"platform p {\x00}")
    assert [d.code for d in loaded.diagnostics] == ["E101"]
    assert "'\\x00'" in loaded.diagnostics[0].message


@given(st.integers(min_value=0, max_value=(1 << 64) - 1))
@settings(deadline=None, max_examples=40)
def test_numbers_up_to_2_64_fit(n):
    from checker.parse import parse_number

    assert parse_number(hex(n)) == n
    assert parse_number(str(n)) == n
    assert parse_number(bin(n)) == n


@given(st.integers(min_value=1 << 64, max_value=1 << 200), st.sampled_from([hex, str, bin]))
@settings(deadline=None, max_examples=40)
def test_numbers_past_2_64_are_e107(n, form):
    loaded = load_text(f"platform p {{ paddr_bits {form(n)} }}", "big.mk")
    assert [d.code for d in loaded.diagnostics] == ["E107"]


def test_number_limits():
    ok = load_text("platform p { paddr_bits 0xffff_ffff_ffff_ffff }", "n.mk")
    assert "E107" not in {d.code for d in ok.diagnostics}
    assert {d.code for d in ok.diagnostics} >= {"E309"}
    big = load_text("platform p { paddr_bits 0x1_0000_0000_0000_0000 }", "n.mk")
    assert [(d.code, d.span.line, d.span.column) for d in big.diagnostics] == [("E107", 1, 25)]
    suffix = load_text("platform p { paddr_bits 16777216T }", "n.mk")  # 2^24 * 2^40 = 2^64
    assert [d.code for d in suffix.diagnostics] == ["E107"]
