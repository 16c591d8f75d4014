"""`memory-map.svg` and `report.html`: the partition drawn, and the check's results beside it.

One row per RAM bank, drawn to scale, with each kernel's slices in its colour, shared
regions striped and labelled with who reads and writes, and holes in grey; one row for the
devices and GIC frames, in address order and of equal width (their sizes differ by orders of
magnitude), each in its owner's colour. Regions that a failing result names are outlined in
red (only a `--force` build has any).
"""

from __future__ import annotations

import html as _html

from checker.build import Stamp
from checker.result import FAILED, Report
from checker.spec import Spec
from checker.words import hexaddr, size_words

__all__ = ["svg", "html"]

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#e15759", "#bab0ac")
WIDTH, LEFT, ROW, GAP, MIN_WIDTH = 1100, 170, 46, 40, 5
CHAR = 7.2  # the width of one character at 12 px, for deciding whether a label fits
PER_ROW = 10  # devices per row of the device rows
UNOWNED, HOLE, GIC, SHARED_STROKE = "#ffffff", "#9e9e9e", "#d62728", "#333333"


def _colours(spec: Spec) -> dict[str, str]:
    return {k.name: PALETTE[n % len(PALETTE)] for n, k in enumerate(spec.kernels)}


def _failing(report: Report) -> set[str]:
    return {name for r in report.results if r.status == FAILED for name in r.subject_names()}


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def svg(spec: Spec, report: Report, stamp: Stamp) -> str:
    colours = _colours(spec)
    failing = _failing(report)
    banks = sorted(spec.platform.memory, key=lambda b: b.base)
    owners = {}
    for k in spec.kernels:
        for d in k.devices:
            owners.setdefault(d.name, []).append(k.name)
    mmio = sorted([(d.region.base, d.region.size, d.name, "device") for d in spec.platform.devices]
                  + [(f.base, f.size, f.name, "gic") for f in spec.platform.gic.frames if f.size], key=lambda x: (x[0], x[2]))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           "<!-- " + " ".join(stamp.lines()).replace("--", "- -") + " -->",
           '<defs><pattern id="shared" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
           '<rect width="8" height="8" fill="#ffffff"/><rect width="4" height="8" fill="#c7c7c7"/></pattern>'
           '<pattern id="overlap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
           f'<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{GIC}"/></pattern></defs>',
           '<rect width="{WIDTH}" height="{HEIGHT}" fill="#fafafa"/>',
           f'<text x="16" y="28" font-size="18" font-weight="bold">{_esc(spec.platform.name)}: memory map of {_esc(stamp.spec)}</text>',
           f'<text x="16" y="48" fill="{"#2c7a2c" if stamp.proved else GIC}">'
           f'{"every obligation proved or waived" if stamp.proved else "NOT PROVED: failing regions are outlined in red"}</text>']
    y = 70
    span = WIDTH - LEFT - 20

    below = []  # labels of regions too narrow to hold them, written under their row

    def box(x, w, fill, title, label, outline=False, pattern=False):
        stroke = GIC if outline else "#555555"
        width = 3 if outline else 1
        w = max(w, MIN_WIDTH)  # a 4 KiB hole in a 1 GiB bank stays visible
        out.append(f'<g><title>{_esc(title)}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW}" '
                   f'fill="{"url(#shared)" if pattern else fill}" stroke="{stroke}" stroke-width="{width}"/>')
        if label and w >= CHAR * len(label) + 6:
            out.append(f'<text x="{x + w / 2:.1f}" y="{y + ROW / 2 + 4}" text-anchor="middle">{_esc(label)}</text>')
        elif label:
            below.append((x, label))
        out.append("</g>")

    def flush_below():
        for n, (x, label) in enumerate(sorted(below)):
            yy = y + ROW + 13 + 12 * (n % 2)
            out.append(f'<line x1="{x + 1:.1f}" y1="{y + ROW}" x2="{x + 1:.1f}" y2="{yy - 9}" stroke="#555555"/>'
                       f'<text x="{x + 3:.1f}" y="{yy}" font-size="11">{_esc(label)}</text>')
        below.clear()

    for bank in banks:
        scale = span / bank.size if bank.size else 0
        out.append(f'<text x="16" y="{y + 18}" font-weight="bold">{_esc(bank.name)}</text>'
                   f'<text x="16" y="{y + 34}">{hexaddr(bank.base)} +{size_words(bank.size)}</text>')
        box(LEFT, span, "#eeeeee", f"bank {bank.name}", "")

        def place(base, size, fill, title, label, outline=False, pattern=False):
            start, end = max(base, bank.base), min(base + size, bank.end)
            if start < end:
                box(LEFT + (start - bank.base) * scale, (end - start) * scale, fill, title, label, outline, pattern)

        for k in spec.kernels:
            for r in k.ram:
                place(r.base, r.size, colours[k.name], f"{r.name}: {hexaddr(r.base)} +{size_words(r.size)} ({k.name})",
                      r.name, r.name in failing)
        for h in spec.platform.reserved:
            place(h.base, h.size, HOLE, f"hole {h.name}: {hexaddr(h.base)} +{size_words(h.size)}", h.name, h.name in failing)
        for s in spec.shared:
            who = ", ".join(f"{a.kernel.name} {a.mode}" for a in s.access)
            place(s.region.base, s.region.size, "", f"shared {s.name}: {hexaddr(s.region.base)} +{size_words(s.region.size)}; {who}",
                  f"{s.name} ({who})", s.name in failing, pattern=True)
        # Where two kernels' slices or shared regions overlap, a red band marks the addresses they share.
        spans = [(r.base, r.end, r.name) for k in spec.kernels for r in k.ram] + [(s.region.base, s.region.end, s.name) for s in spec.shared]
        for i, (a0, a1, an) in enumerate(spans):
            for b0, b1, bn in spans[i + 1:]:
                start, end = max(a0, b0, bank.base), min(a1, b1, bank.end)
                if start < end:
                    out.append(f'<g><title>{_esc(f"{an} and {bn} overlap: {hexaddr(start)} +{size_words(end - start)}")}</title>'
                               f'<rect x="{LEFT + (start - bank.base) * scale:.1f}" y="{y + ROW - 12}" '
                               f'width="{max((end - start) * scale, MIN_WIDTH):.1f}" height="12" fill="url(#overlap)" stroke="{GIC}"/></g>')
        flush_below()
        y += ROW + GAP
    cell = span / PER_ROW
    fits = int((cell - 6) / CHAR)
    for first in range(0, len(mmio), PER_ROW):
        row = mmio[first:first + PER_ROW]
        out.append(f'<text x="16" y="{y + 18}" font-weight="bold">devices</text>'
                   f'<text x="16" y="{y + 34}">from {hexaddr(row[0][0])}</text>')
        for n, (base, size, name, kind) in enumerate(row):
            who = owners.get(name, [])
            fill = GIC if kind == "gic" else colours[who[0]] if who else UNOWNED
            title = f"{name}: {hexaddr(base)} +{size_words(size)}" + (f" ({', '.join(who)})" if who else " (no kernel)" if kind == "device" else " (seL4)")
            label = {"gic.distributor": "GICD", "gic.cpu_interface": "GICC", "gic.redistributors": "GICR"}.get(name, name)
            box(LEFT + n * cell, cell, fill, title, label if len(label) <= fits else label[: fits - 1] + "\u2026", name in failing)
        y += ROW + 14
    legend = [(k.name, colours[k.name]) for k in spec.kernels] + [("shared", "url(#shared)"), ("hole", HOLE), ("GIC", GIC),
                                                                   ("no kernel", UNOWNED)]
    for n, (name, fill) in enumerate(legend):
        x, yy = 16 + (n % 6) * 175, y + (n // 6) * 22
        out.append(f'<rect x="{x}" y="{yy}" width="14" height="14" fill="{fill}" stroke="#555555"/>'
                   f'<text x="{x + 20}" y="{yy + 12}">{_esc(name)}</text>')
    height = y + 22 * ((len(legend) + 5) // 6) + 10
    out.append("</svg>")
    for n in (0, 3):  # the size is known only now
        out[n] = out[n].replace("{WIDTH}", str(WIDTH)).replace("{HEIGHT}", str(height))
    return "\n".join(out) + "\n"


def html(spec: Spec, report: Report, stamp: Stamp) -> str:
    counts = report.counts()
    rows = [r for r in report.results if r.status != "proved"]
    table = "".join(f"<tr class=\"{_esc(str(r.status))}\"><td>{_esc(r.id)}</td><td>{_esc(r.subject)}</td><td>{_esc(str(r.status))}</td>"
                    f"<td>{_esc(r.message)}</td></tr>\n" for r in rows)
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    return (f"<!DOCTYPE html>\n<!-- {' '.join(stamp.lines()).replace('--', '- -')} -->\n"
            f"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pcheck: {_esc(stamp.spec)}</title>\n"
            "<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
            ".failed td{background:#fde0dc}.waived td{background:#fff3cd}</style></head>\n<body>\n"
            f"<h1>{_esc(stamp.spec)}</h1>\n<p>{'Every obligation proved or waived.' if stamp.proved else '<strong>Not proved</strong>: built with --force.'} "
            f"{_esc(summary)} ({len(report.results)} instances). sha256 {stamp.sha256}.</p>\n"
            f"{svg(spec, report, stamp)}"
            + (f"<h2>Failures, waivers and unknowns</h2>\n<table><tr><th>obligation</th><th>subject</th><th>status</th><th>message</th></tr>\n"
               f"{table}</table>\n" if rows else "<p>No failures, waivers or unknowns.</p>\n")
            + "</body></html>\n")
