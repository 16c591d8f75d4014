"""Text of one `.mk` file -> `FileAst` plus diagnostics.

Lark parses with the LALR grammar in `grammar/mk.lark`; a transformer builds the
frozen AST, checking the form and range of every number on the way. Syntax
errors are turned into diagnostics in the user's words (terminal names are
mapped to what they look like), and parsing resumes at the next top-level item
so one run reports an error for every broken item.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import os
import re
import stat
import sys
from importlib import resources
from pathlib import Path


from lark import Lark, Token, Transformer, v_args
from lark.common import LexerConf
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import BasicLexer, Lexer, PatternStr

from checker import ast
from checker.diagnostics import Diagnostic, did_you_mean, error
from checker.span import Span

MAX_U64 = (1 << 64) - 1
# After this many syntax errors in one file the rest is noise.
MAX_SYNTAX_ERRORS = 20

_SIZE_SUFFIX = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_NUMBER_FORMS = (
    (re.compile(r"0[xX]([0-9a-fA-F][0-9a-fA-F_]*)"), 16),
    (re.compile(r"0[bB]([01][01_]*)"), 2),
    (re.compile(r"([0-9][0-9_]*)"), 10),
)
_TOP_LEVEL = ("include", "platform", "profile", "kernel", "shared", "channel", "pd", "queue", "call", "loader", "boot", "allow")
# A top-level keyword at the start of a line, unless it is inside a comment or a
# string (those alternatives match first and have no group 1).
_TOP_LEVEL_LINE = re.compile(r'//[^\n]*|/\*.*?\*/|"[^"\n]*"|^[ \t]*(%s)\b' % "|".join(_TOP_LEVEL), re.M | re.S)

# How terminals that are not literal words are described to the user.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a string in "quotes"',
    "IRQ_KIND": ("'spi'", "'ppi'", "'sgi'"),
    "TRIGGER": ("'level'", "'edge'"),
    "$END": "end of file",
}


class _WordLexer(Lexer):
    """One scanner for the whole grammar; a word is a keyword only where the parser can take it.

    Every keyword of the language (`kernel`, `cores`, `spi`, `edge`...) is also
    a well-formed name, and a spec may use one as a name where no keyword
    fits (a device called `gic`, a kernel called `order`). The scanner reads
    whole words as names, so `kernelx` is one name and never `kernel` then
    `x`. A name that spells a keyword becomes that keyword where the parser
    can take it; the interrupt kinds and triggers (`spi`, `edge`), which the
    scanner recognises by their own patterns, become names where the parser
    cannot take them. This is what lark's contextual lexer does, but it
    compiles a scanner for every parser state it meets (37 for a two-file
    spec, about 15 ms of a 0.4 s run), and matches each word against the
    state's keywords with a regular expression; here it is one dict lookup.
    """

    __future_interface__ = 2  # lex() is given the parser's state

    def __init__(self, conf: LexerConf) -> None:
        is_word = re.compile(conf.terminals_by_name["NAME"].pattern.to_regexp()).fullmatch
        self._keywords = {
            t.pattern.value: t.name for t in conf.terminals if isinstance(t.pattern, PatternStr) and is_word(t.pattern.value)
        }
        scanned = copy.copy(conf)
        scanned.terminals = [t for t in conf.terminals if t.name not in self._keywords.values()]
        self._scanner = BasicLexer(scanned)
        self._is_word = is_word

    def lex(self, lexer_state, parser_state):
        next_token, keywords, is_word = self._scanner.next_token, self._keywords, self._is_word
        tables = parser_state.parse_conf.states
        with contextlib.suppress(EOFError):  # the scanner's way of saying the text is done
            while True:
                token = next_token(lexer_state, parser_state)
                if token.type == "NAME":
                    keyword = keywords.get(token)
                    if keyword is not None and keyword in tables[parser_state.position]:
                        token.type = keyword
                elif token.type not in tables[parser_state.position] and is_word(token):
                    token.type = "NAME"
                yield token


def _grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, from `grammar/`."""
    try:
        return resources.files("checker.grammar").joinpath("mk.lark").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parent.parent / "grammar" / "mk.lark").read_text("utf-8")


@functools.cache
def _parser() -> Lark:
    return build_parser(cache_file())


def build_parser(cache: str | None) -> Lark:
    """The LALR parser; its tables are kept in `cache` (a path) when it is given."""
    return Lark(
        _grammar_text(),
        parser="lalr",
        lexer=_WordLexer,
        propagate_positions=True,
        maybe_placeholders=False,
        # Building the LALR tables takes longer than checking a typical spec, so lark keeps them in
        # a file. The file is a pickle, which runs code when it is loaded: never lark's default
        # (a predictable name in the shared temp directory, where anyone can plant one).
        cache=cache if cache is not None else False,
    )


def cache_file() -> str | None:
    """Where the parser tables are cached: `$XDG_CACHE_HOME/pcheck` (default `~/.cache/pcheck`), a
    directory made with mode 0700. None (no cache) unless that directory and any file already
    there are this user's own, not symbolic links, and writable by nobody else."""
    import lark

    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(home, "pcheck")
    key = hashlib.sha256(f"{_grammar_text()}|{lark.__version__}|{sys.version_info[:2]}".encode()).hexdigest()[:32]
    path = os.path.join(directory, f"lark-{key}.pickle")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not (_private(os.lstat(directory), stat.S_ISDIR)):
            return None
        if os.path.lexists(path) and not _private(os.lstat(path), stat.S_ISREG):
            return None
    except OSError:
        return None
    return path


def _private(st: os.stat_result, kind) -> bool:
    """A file or directory of the right kind, owned by this user, and writable (and, for a
    directory, enterable) by nobody else."""
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return kind(st.st_mode) and mine and not st.st_mode & 0o022


def parse_number(text: str) -> int | str:
    """The value of a number literal, or a message saying what is wrong with it."""
    for pattern, base in _NUMBER_FORMS:
        suffix = ""
        body = text
        if base == 10 and text[-1:] in _SIZE_SUFFIX:
            body, suffix = text[:-1], text[-1]
        match = pattern.fullmatch(body)
        if match and not match.group(1).endswith("_"):
            digits = match.group(1).replace("_", "")
            if len(digits.lstrip("0")) > 64:  # more than 2^64 in any base; and no 4,300-digit int() call
                return MAX_U64 + 1
            value = int(digits, base) * _SIZE_SUFFIX.get(suffix, 1)
            return value
    return (
        f"'{text}' is not a number: write decimal (4096), hex (0x1000), binary (0b1010), "
        "optionally with _ between digits, or a decimal size such as 4K, 2M, 1G, 1T"
    )


def _short(text: str) -> str:
    """A long literal for messages: its first digits and its length."""
    return text if len(text) <= 40 else f"{text[:24]}... ({len(text)} characters)"


class ParseContext:
    """What one file's parse needs: its name, and the diagnostics found so far."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def span(self, meta_or_token) -> Span:
        item = meta_or_token
        return Span(self.path, item.line, item.column, item.end_line, item.end_column)


class _ToAst(Transformer):
    """Lark tree -> checker.ast nodes. Tokens keep positions through `span`."""

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__()
        self.ctx = ctx

    # ---- leaves
    def NUMBER(self, token: Token) -> ast.Number:
        span = self.ctx.span(token)
        value = parse_number(str(token))
        if isinstance(value, str):
            self.ctx.diagnostics.append(error("E106", value, span))
            value = 0
        elif value > MAX_U64:
            self.ctx.diagnostics.append(
                error("E107", f"{_short(str(token))} does not fit in 64 bits (the largest value is 0x{MAX_U64:x})", span)
            )
            value = MAX_U64
        return ast.Number(value, span)

    def NAME(self, token: Token) -> ast.Name:
        return ast.Name(str(token), self.ctx.span(token))

    def STRING(self, token: Token) -> Token:
        return token

    # ---- helpers
    def _s(self, meta) -> Span:
        return self.ctx.span(meta)

    @staticmethod
    def _pick(children, cls) -> list:
        return [c for c in children if isinstance(c, cls)]

    @staticmethod
    def _tokens(children, type_: str) -> list[Token]:
        return [c for c in children if isinstance(c, Token) and c.type == type_]

    # ---- shared pieces
    @v_args(meta=True)
    def region(self, meta, children) -> ast.RegionAst:
        base, size = self._pick(children, ast.Number)
        return ast.RegionAst(base, size, self._s(meta))

    @v_args(meta=True)
    def irq(self, meta, children) -> ast.IrqAst:
        kind = self._tokens(children, "IRQ_KIND")[0]
        trigger = self._tokens(children, "TRIGGER")
        number = self._pick(children, ast.Number)[0]
        return ast.IrqAst(str(kind), number, str(trigger[0]) if trigger else None, self._s(meta))

    def irq_list(self, children) -> tuple[ast.IrqAst, ...]:
        return tuple(self._pick(children, ast.IrqAst))

    def name_list(self, children) -> tuple[ast.Name, ...]:
        return tuple(self._pick(children, ast.Name))

    # ---- top level
    def start(self, children) -> tuple:
        return tuple(c for c in children if not isinstance(c, Token))

    @v_args(meta=True)
    def include(self, meta, children) -> ast.Include:
        string = self._tokens(children, "STRING")[0]
        return ast.Include(str(string)[1:-1], self.ctx.span(string))

    @v_args(meta=True)
    def platform(self, meta, children) -> ast.PlatformAst:
        name = self._pick(children, ast.Name)[0]
        return ast.PlatformAst(
            name=name,
            settings=tuple(self._pick(children, ast.Setting)),
            cpus=tuple(self._pick(children, ast.CpuAst)),
            banks=tuple(self._pick(children, ast.BankAst)),
            gics=tuple(self._pick(children, ast.GicAst)),
            devices=tuple(self._pick(children, ast.DeviceAst)),
            span=self._s(meta),
            dts=next(iter(self._pick(children, ast.DtsSource)), None),
            gic_fields=tuple(self._pick(children, ast.GicField)),
        )

    @v_args(meta=True)
    def dts_source(self, meta, children) -> ast.DtsSource:
        strings = self._tokens(children, "STRING")
        return ast.DtsSource(tuple(str(s)[1:-1] for s in strings), tuple(self.ctx.span(s) for s in strings), self._s(meta))

    def _setting(self, key: str, meta, children) -> ast.Setting:
        return ast.Setting(key, self._pick(children, ast.Number)[0], self._s(meta))

    @v_args(meta=True)
    def paddr_bits(self, meta, children) -> ast.Setting:
        return self._setting("paddr_bits", meta, children)

    @v_args(meta=True)
    def page(self, meta, children) -> ast.Setting:
        return self._setting("page", meta, children)

    @v_args(meta=True)
    def max_irq(self, meta, children) -> ast.Setting:
        return self._setting("max_irq", meta, children)

    @v_args(meta=True)
    def cpu(self, meta, children) -> ast.CpuAst:
        numbers = self._pick(children, ast.Number)
        return ast.CpuAst(
            self._pick(children, ast.Name)[0],
            numbers[0],
            numbers[1] if len(numbers) > 1 else None,
            self._s(meta),
        )

    def _bank(self, kind: str, meta, children) -> ast.BankAst:
        name = self._pick(children, ast.Name)[0]
        return ast.BankAst(kind, name, self._pick(children, ast.RegionAst)[0], self._s(meta))

    @v_args(meta=True)
    def memory(self, meta, children) -> ast.BankAst:
        return self._bank("memory", meta, children)

    @v_args(meta=True)
    def reserved(self, meta, children) -> ast.BankAst:
        return self._bank("reserved", meta, children)

    @v_args(meta=True)
    def device(self, meta, children) -> ast.DeviceAst:
        irqs = [c for c in children if isinstance(c, tuple)]
        return ast.DeviceAst(
            self._pick(children, ast.Name)[0],
            self._pick(children, ast.RegionAst)[0],
            irqs[0] if irqs else (),
            self._s(meta),
        )

    @v_args(meta=True)
    def gic(self, meta, children) -> ast.GicAst:
        return ast.GicAst(
            self._pick(children, ast.Name)[0], tuple(self._pick(children, ast.GicField)), self._s(meta)
        )

    def _gic_field(self, field: str, meta, children, **values) -> ast.GicField:
        base = dict(region=None, base=None, stride=None, value=None)
        base.update(values)
        return ast.GicField(field=field, span=self._s(meta), **base)

    @v_args(meta=True)
    def distributor(self, meta, children) -> ast.GicField:
        return self._gic_field("distributor", meta, children, region=self._pick(children, ast.RegionAst)[0])

    @v_args(meta=True)
    def cpu_interface(self, meta, children) -> ast.GicField:
        return self._gic_field("cpu_interface", meta, children, region=self._pick(children, ast.RegionAst)[0])

    @v_args(meta=True)
    def redistributors(self, meta, children) -> ast.GicField:
        base, stride = self._pick(children, ast.Number)
        return self._gic_field("redistributors", meta, children, base=base, stride=stride)

    @v_args(meta=True)
    def lines(self, meta, children) -> ast.GicField:
        return self._gic_field("lines", meta, children, value=self._pick(children, ast.Number)[0])

    @v_args(meta=True)
    def group1(self, meta, children) -> ast.GicField:
        return self._gic_field("group1", meta, children, name=self._pick(children, ast.Name)[0])

    @v_args(meta=True)
    def profile(self, meta, children) -> ast.ProfileAst:
        names = self._pick(children, ast.Name)
        return ast.ProfileAst(
            names[0],
            names[1] if len(names) > 1 else None,
            tuple(self._pick(children, ast.FlagAst)),
            self._s(meta),
        )

    @v_args(meta=True)
    def flag(self, meta, children) -> ast.FlagAst:
        key, value = self._pick(children, ast.Name)
        return ast.FlagAst(key, value, self._s(meta))

    @v_args(meta=True)
    def kernel(self, meta, children) -> ast.KernelAst:
        def items(tag: str) -> list:
            return [c[1] for c in children if isinstance(c, tuple) and len(c) == 2 and c[0] == tag]

        return ast.KernelAst(
            name=self._pick(children, ast.Name)[0],
            profiles=tuple(items("profile")),
            cores=tuple(items("cores")),
            ram=tuple(items("ram")),
            devices=tuple(name for names in items("devices") for name in names),
            irqs=tuple(irq for irqs in items("irqs") for irq in irqs),
            routes=tuple(self._pick(children, ast.RouteAst)),
            span=self._s(meta),
        )

    # Kernel items come back tagged so `kernel` can sort them without new classes.
    def kernel_profile(self, children):
        return ("profile", self._pick(children, ast.Name)[0])

    def cores(self, children):
        return ("cores", [c for c in children if isinstance(c, tuple)][0])

    def ram(self, children):
        return ("ram", self._pick(children, ast.RegionAst)[0])

    def devices(self, children):
        return ("devices", [c for c in children if isinstance(c, tuple)][0])

    def kernel_irqs(self, children):
        return ("irqs", [c for c in children if isinstance(c, tuple)][0])

    @v_args(meta=True)
    def route(self, meta, children) -> ast.RouteAst:
        kind = self._tokens(children, "IRQ_KIND")[0]
        number = self._pick(children, ast.Number)[0]
        irq_span = Span(self.ctx.path, kind.line, kind.column, number.span.end_line, number.span.end_column)
        irq = ast.IrqAst(str(kind), number, None, irq_span)
        return ast.RouteAst(irq, self._pick(children, ast.Name)[0], self._s(meta))

    @v_args(meta=True)
    def shared(self, meta, children) -> ast.SharedAst:
        return ast.SharedAst(
            self._pick(children, ast.Name)[0],
            self._pick(children, ast.RegionAst)[0],
            tuple(self._pick(children, ast.AccessAst)),
            self._s(meta),
        )

    @v_args(meta=True)
    def access(self, meta, children) -> ast.AccessAst:
        kernel, mode = self._pick(children, ast.Name)
        return ast.AccessAst(kernel, mode, self._s(meta))

    @v_args(meta=True)
    def channel(self, meta, children) -> ast.ChannelAst:
        return ast.ChannelAst(
            name=self._pick(children, ast.Name)[0],
            endpoints=tuple(self._pick(children, ast.EndpointsAst)),
            sgis=tuple(self._pick(children, ast.IrqAst)),
            targets=tuple(c[1] for c in children if isinstance(c, tuple) and c[0] == "target"),
            mailboxes=tuple(self._pick(children, ast.MailboxAst)),
            span=self._s(meta),
        )

    @v_args(meta=True)
    def endpoints(self, meta, children) -> ast.EndpointsAst:
        names = self._pick(children, ast.Name)
        return ast.EndpointsAst(names[0], names[1], names[2] if len(names) > 2 else None, self._s(meta))

    @v_args(meta=True)
    def channel_sgi(self, meta, children) -> ast.IrqAst:
        kind = self._tokens(children, "IRQ_KIND")[0]
        return ast.IrqAst(str(kind), self._pick(children, ast.Number)[0], None, self._s(meta))

    def target(self, children):
        return ("target", self._pick(children, ast.Number)[0])

    @v_args(meta=True)
    def mailbox(self, meta, children) -> ast.MailboxAst:
        return ast.MailboxAst(
            self._pick(children, ast.Name)[0], self._pick(children, ast.Number)[0], self._s(meta)
        )

    @v_args(meta=True)
    def pd(self, meta, children) -> ast.PdAst:
        name, kernel = self._pick(children, ast.Name)[:2]
        irqs = tuple(i for c in children if isinstance(c, tuple) and c and c[0] == "irqs" for i in c[1])
        return ast.PdAst(name, kernel, tuple(c[1] for c in children if isinstance(c, tuple) and c and c[0] == "priority"),
                         tuple(self._pick(children, ast.PdMapAst)), irqs, self._s(meta))

    def priority(self, children):
        return ("priority", self._pick(children, ast.Number)[0])

    @v_args(meta=True)
    def pd_map(self, meta, children) -> ast.PdMapAst:
        shared, mode = self._pick(children, ast.Name)
        return ast.PdMapAst(shared, mode, self._s(meta))

    @v_args(meta=True)
    def queue(self, meta, children) -> ast.QueueAst:
        name, producer, consumer, ring = self._pick(children, ast.Name)[:4]
        doorbell = self._pick(children, ast.Name)[-1]
        slots = tuple(c[1] for c in children if isinstance(c, tuple) and c[0] == "slots")
        index = tuple(c[1] for c in children if isinstance(c, tuple) and c[0] == "index")
        return ast.QueueAst(name, producer, consumer, ring, slots, index, doorbell, self._s(meta))

    def slots(self, children):
        return ("slots", self._pick(children, ast.Number)[0])

    def queue_index(self, children):
        return ("index", self._pick(children, ast.Name)[0])

    @v_args(meta=True)
    def call(self, meta, children) -> ast.CallAst:
        names = self._pick(children, ast.Name)
        proxies = (names[2], names[3]) if len(names) == 5 else None
        return ast.CallAst(names[0], names[1], proxies, names[4] if len(names) == 5 else None, self._s(meta))

    @v_args(meta=True)
    def loader(self, meta, children) -> ast.LoaderAst:
        return ast.LoaderAst(tuple(self._pick(children, ast.Name)), self._s(meta))

    def loader_action(self, children) -> ast.Name:
        return self._pick(children, ast.Name)[0]

    @v_args(meta=True)
    def boot_order(self, meta, children) -> ast.BootOrderAst:
        return ast.BootOrderAst([c for c in children if isinstance(c, tuple)][0], self._s(meta))

    @v_args(meta=True)
    @v_args(meta=True)
    def waiver_subject(self, meta, children) -> ast.Name:
        parts = [c.text if isinstance(c, ast.Name) else str(c.value) if isinstance(c, ast.Number) else str(c) for c in children]
        text = " ".join(parts) if isinstance(children[0], Token) and children[0].type == "IRQ_KIND" else "".join(parts)
        return ast.Name(text, self._s(meta))

    @v_args(meta=True)
    def allow(self, meta, children) -> ast.AllowAst:
        obligation, subject = self._pick(children, ast.Name)
        reason = self._tokens(children, "STRING")[0]
        if "\x00" in str(reason):  # (an include path with one is E004, where it is resolved)
            self.ctx.diagnostics.append(error("E101", "a string cannot hold a NUL character", self.ctx.span(reason)))
        return ast.AllowAst(obligation, subject, str(reason)[1:-1], self._s(meta))


# ---------------------------------------------------------------- errors


def _describe_terminal(name: str) -> tuple[str, ...]:
    if name in _TERMINAL_WORDS:
        words = _TERMINAL_WORDS[name]
        return words if isinstance(words, tuple) else (words,)
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:
        return (name.lower(),)
    if isinstance(pattern, PatternStr):
        return (f"'{pattern.value}'",)
    return (name.lower(),)


def _keywords(expected) -> list[str]:
    """The literal words among the expected terminals, for a "did you mean"."""
    return [w.strip("'") for t in expected for w in _describe_terminal(t) if w.startswith("'") and w[1:2].isalpha()]


def _expected_words(expected) -> str:
    words = sorted({w for t in expected if t not in ("SEMI",) for w in _describe_terminal(t)})
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words[:-1]) + " or " + words[-1]


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "NUMBER":
        return f"number {token}"
    if token.type == "STRING":
        return f"string {token}"
    return f"'{token}'"


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        span = Span.point(path, exc.line, exc.column)
        rest = text[exc.pos_in_stream :]
        if rest.startswith('"'):
            return error("E102", "this string is not closed with '\"' on the same line", span)
        if rest.startswith("/*"):
            return error("E103", "this comment is not closed with '*/'", span)
        char = rest[:1]
        shown = repr(char) if not char.isprintable() or char.isspace() else f"'{char}'"
        return error("E101", f"unexpected character {shown}", span)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        span = Span(path, token.line, token.column, token.end_line or token.line, token.end_column or token.column + 1)
        accepts = exc.accepts or exc.expected
        expected = _expected_words(accepts)
        tail = f"; expected {expected}" if expected else ""
        if token.type == "NAME" and "NAME" not in accepts:
            tail += did_you_mean(str(token), _keywords(accepts))
        elif str(token) in _TOP_LEVEL and "RBRACE" in accepts:
            tail += "; is a '}' missing before it?"
        return error("E104", f"unexpected {_describe_token(token)}{tail}", span)
    # End of input: point just past the last token (lark's end token borrows its
    # position), so trailing comments do not move the place; else past the text.
    last = getattr(exc, "token", None)
    if last is not None and last.end_line is not None and last.end_column is not None:
        line, column = last.end_line, last.end_column
    else:
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    expected = exc.expected if isinstance(exc, UnexpectedEOF) else (exc.accepts or exc.expected)
    words = _expected_words(expected)
    tail = f"; expected {words}" if words else ""
    return error("E105", f"the file ends in the middle of an item{tail}", Span.point(path, line, column))


def _blank_item_at(text: str, pos: int) -> str:
    """Replace the top-level item around `pos` by spaces (newlines kept) so parsing can resume.

    An error right at the start of an item (`kernel` after a kernel whose `}` is
    missing) belongs to the item before it, which is the one blanked.
    """
    starts = [m.start(1) for m in _TOP_LEVEL_LINE.finditer(text) if m.group(1)]
    begin = max((s for s in starts if s < pos), default=0)
    end = min((s for s in starts if s >= pos and s > begin), default=len(text))
    blanked = _blank(text, begin, end)
    if blanked == text:  # nothing left to blank before `pos`: drop the item at `pos` instead
        end = min((s for s in starts if s > pos), default=len(text))
        blanked = _blank(text, min(pos, end), end)
    return blanked


def _blank(text: str, begin: int, end: int) -> str:
    return text[:begin] + re.sub(r"[^\n]", " ", text[begin:end]) + text[end:]


def _error_pos(exc: UnexpectedInput, text: str) -> int:
    if isinstance(exc, UnexpectedCharacters):
        return exc.pos_in_stream
    token = getattr(exc, "token", None)
    if token is not None and token.start_pos is not None and token.type != "$END":
        return token.start_pos
    return len(text)


def parse_text(text: str, path: str) -> tuple[ast.FileAst, list[Diagnostic]]:
    """Parse one file's text. Always returns an AST (possibly partial) and the diagnostics."""
    ctx = ParseContext(path)
    syntax: list[Diagnostic] = []
    work = text
    while True:
        try:
            tree = _parser().parse(work)
            break
        except UnexpectedInput as exc:
            syntax.append(_syntax_diagnostic(exc, work, path))
            if len(syntax) >= MAX_SYNTAX_ERRORS:
                return ast.FileAst(path, ()), syntax
            blanked = _blank_item_at(work, _error_pos(exc, work))
            if blanked == work:
                return ast.FileAst(path, ()), syntax
            work = blanked
    items = _ToAst(ctx).transform(tree)
    return ast.FileAst(path, items), syntax + ctx.diagnostics


