"""The syntax tree of one `.mk` file: what was written, with where it was written.

Nothing here is checked beyond the grammar and the form of numbers; names are
still strings and flag values are unvalidated. `resolve` turns a set of these
files into a `Spec`.
"""

from __future__ import annotations

from checker.data import frozen
from checker.span import Span


@frozen
class Name:
    """An identifier as written, with its place (used for every reference)."""

    text: str
    span: Span


@frozen
class Number:
    value: int
    span: Span


@frozen
class RegionAst:
    base: Number
    size: Number
    span: Span


@frozen
class IrqAst:
    kind: str  # "spi" | "ppi" | "sgi"
    number: Number
    trigger: str | None
    span: Span


@frozen
class Include:
    path: str
    span: Span


@frozen
class CpuAst:
    name: Name
    mpidr: Number
    gic_cpu: Number | None
    span: Span


@frozen
class BankAst:
    """A `memory` bank or a `reserved` hole."""

    kind: str  # "memory" | "reserved"
    name: Name
    region: RegionAst
    span: Span


@frozen
class DeviceAst:
    name: Name
    region: RegionAst
    irqs: tuple[IrqAst, ...]
    span: Span


@frozen
class GicField:
    """One line of a `gic` block: distributor, cpu_interface, redistributors, lines or group1."""

    field: str
    region: RegionAst | None  # distributor, cpu_interface
    base: Number | None  # redistributors
    stride: Number | None  # redistributors
    value: Number | None  # lines
    span: Span
    name: Name | None = None  # group1


@frozen
class GicAst:
    version: Name
    fields: tuple[GicField, ...]
    span: Span


@frozen
class Setting:
    """A single-valued line such as `paddr_bits 40`, `page 4K` or `max_irq 159`."""

    key: str
    value: Number
    span: Span


@frozen
class DtsSource:
    """`from dts "a.dts", "b.dts"`: the device tree a platform is read from (paths as written)."""

    paths: tuple[str, ...]
    spans: tuple[Span, ...]
    span: Span


@frozen
class PlatformAst:
    name: Name
    settings: tuple[Setting, ...]
    cpus: tuple[CpuAst, ...]
    banks: tuple[BankAst, ...]
    gics: tuple[GicAst, ...]
    devices: tuple[DeviceAst, ...]
    span: Span
    dts: DtsSource | None = None
    # `lines` and `group1` written in the platform block itself (a platform from dts has no gic block)
    gic_fields: tuple[GicField, ...] = ()


@frozen
class FlagAst:
    key: Name
    value: Name
    span: Span


@frozen
class ProfileAst:
    name: Name
    extends: Name | None
    flags: tuple[FlagAst, ...]
    span: Span


@frozen
class RouteAst:
    irq: IrqAst
    cpu: Name
    span: Span


@frozen
class KernelAst:
    name: Name
    profiles: tuple[Name, ...]  # more than one is an error the resolver reports
    cores: tuple[tuple[Name, ...], ...]  # one tuple per `cores` line
    ram: tuple[RegionAst, ...]
    devices: tuple[Name, ...]
    irqs: tuple[IrqAst, ...]
    routes: tuple[RouteAst, ...]
    span: Span


@frozen
class AccessAst:
    kernel: Name
    mode: Name
    span: Span


@frozen
class SharedAst:
    name: Name
    region: RegionAst
    access: tuple[AccessAst, ...]
    span: Span


@frozen
class EndpointsAst:
    sender: Name
    receiver: Name
    on: Name | None
    span: Span


@frozen
class MailboxAst:
    shared: Name
    tag: Number
    span: Span


@frozen
class ChannelAst:
    name: Name
    endpoints: tuple[EndpointsAst, ...]
    sgis: tuple[IrqAst, ...]
    targets: tuple[Number, ...]
    mailboxes: tuple[MailboxAst, ...]
    span: Span


@frozen
class PdMapAst:
    shared: Name
    mode: Name
    span: Span


@frozen
class PdAst:
    name: Name
    kernel: Name
    priorities: tuple[Number, ...]  # more than one is an error the resolver reports
    maps: tuple[PdMapAst, ...]
    irqs: tuple[IrqAst, ...]
    span: Span


@frozen
class QueueAst:
    name: Name
    producer: Name
    consumer: Name
    ring: Name
    slots: tuple[Number, ...]
    index: tuple[Name, ...]
    doorbell: Name
    span: Span


@frozen
class CallAst:
    client: Name
    server: Name
    proxies: tuple[Name, Name] | None
    buffer: Name | None
    span: Span


@frozen
class LoaderAst:
    actions: tuple[Name, ...]
    span: Span


@frozen
class BootOrderAst:
    kernels: tuple[Name, ...]
    span: Span


@frozen
class AllowAst:
    obligation: Name
    subject: Name
    reason: str
    span: Span


Item = (
    Include
    | PlatformAst
    | ProfileAst
    | KernelAst
    | SharedAst
    | ChannelAst
    | PdAst
    | QueueAst
    | CallAst
    | LoaderAst
    | BootOrderAst
    | AllowAst
)


@frozen
class FileAst:
    """One parsed file: its items in source order."""

    path: str
    items: tuple[Item, ...]
