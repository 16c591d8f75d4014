"""The parser on its own: number forms, spans, items."""

from __future__ import annotations

import pytest

from checker import ast
from checker.parse import MAX_U64, parse_number, parse_text


@pytest.mark.parametrize(
    "text, value",
    [
        ("0", 0),
        ("4096", 4096),
        ("1_000", 1000),
        ("4K", 4096),
        ("64K", 64 << 10),
        ("2M", 2 << 20),
        ("1G", 1 << 30),
        ("1T", 1 << 40),
        ("0x4000_0000", 0x4000_0000),
        ("0X1f", 31),
        ("0b1010", 10),
        ("0b1_0000", 16),
        ("0xffff_ffff_ffff_ffff", MAX_U64),
        ("18446744073709551615", MAX_U64),
        ("16777215T", 16777215 << 40),
    ],
)
def test_number_forms(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["0x", "0b", "0b102", "12abc", "4k", "4KB", "0x10K", "1_", "0x_1", "0x4000_000g", "2MM"])
def test_malformed_numbers(text):
    message = parse_number(text)
    assert isinstance(message, str) and message.startswith(f"'{text}' is not a number")


def test_numbers_past_64_bits_are_values_the_parser_rejects():
    assert parse_number("0x1_0000_0000_0000_0000") == 1 << 64
    _, diags = parse_text("platform p { paddr_bits 0x1_0000_0000_0000_0000 }", "n.mk")
    assert [(d.code, d.span.line, d.span.column, d.span.end_column) for d in diags] == [("E107", 1, 25, 48)]


def test_items_and_spans():
    text = 'include "p.mk"\n\nkernel k0 {\n    cores a0, a1\n    ram at 0x4000_0000 size 4K\n    ram at 4G size 2M;\n}\n'
    tree, diags = parse_text(text, "f.mk")
    assert diags == []
    include, kernel = tree.items
    assert isinstance(include, ast.Include) and include.path == "p.mk"
    assert (include.span.line, include.span.column) == (1, 9)
    assert isinstance(kernel, ast.KernelAst)
    assert kernel.name.text == "k0" and (kernel.name.span.line, kernel.name.span.column) == (3, 8)
    assert [n.text for n in kernel.cores[0]] == ["a0", "a1"]
    assert [(r.base.value, r.size.value) for r in kernel.ram] == [(0x4000_0000, 4096), (4 << 30, 2 << 20)]
    assert (kernel.ram[1].base.span.line, kernel.ram[1].base.span.column) == (6, 12)


def test_irq_kinds_and_triggers():
    tree, diags = parse_text("kernel k { irq spi 27 level, ppi 14, spi 3 edge }", "f.mk")
    assert diags == []
    (kernel,) = tree.items
    assert [(i.kind, i.number.value, i.trigger) for i in kernel.irqs] == [("spi", 27, "level"), ("ppi", 14, None), ("spi", 3, "edge")]


def test_comments_semicolons_and_names_with_dashes():
    text = "/* a\n block */ profile my-prof_1 extends sel4-mk { smp no; } // tail\n;;"
    tree, diags = parse_text(text, "f.mk")
    assert diags == []
    (profile,) = tree.items
    assert profile.name.text == "my-prof_1" and profile.extends.text == "sel4-mk"
    assert (profile.name.span.line, profile.name.span.column) == (2, 19)


def test_recovery_reports_each_broken_item():
    text = "kernel a { cores }\nkernel b { cores x }\nkernel c { ram at }\n"
    tree, diags = parse_text(text, "f.mk")
    assert [(d.code, d.span.line) for d in diags] == [("E104", 1), ("E104", 3)]
    assert [k.name.text for k in tree.items] == ["b"]


def test_syntax_error_limit():
    text = "kernel k { @ }\n" * 100
    _, diags = parse_text(text, "f.mk")
    assert 1 <= len(diags) <= 20


def test_recovery_does_not_resume_inside_a_comment():
    text = 'kernel k { cores @ }\n/* commented out:\nkernel j { cores a0 }\n*/\nkernel m { x }\n'
    _, diags = parse_text(text, "f.mk")
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("E101", 1, 18), ("E104", 5, 12)]


def test_missing_closing_brace_is_one_error_at_the_next_item():
    text = "kernel k0 { cores a0\nkernel k1 { cores a1 }\n"
    tree, diags = parse_text(text, "f.mk")
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("E104", 2, 1)]
    assert diags[0].message.startswith("unexpected 'kernel'; expected one of 'cores', ")
    assert diags[0].message.endswith("; is a '}' missing before it?")
    assert [k.name.text for k in tree.items] == ["k1"]
