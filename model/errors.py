"""The model's exception hierarchy: one root, narrow subclasses."""

from __future__ import annotations

__all__ = ["ModelError", "MmioError", "SysregError", "ConfigError"]


class ModelError(Exception):
    """Root of every error the model raises on purpose."""


class MmioError(ModelError):
    """An access the hardware does not accept: unmapped offset, illegal width,
    misaligned address, a read of a write-only register or an unknown system
    register."""

    def __init__(self, address: int, width: int, reason: str) -> None:
        super().__init__(f"{reason} (address {address:#x}, width {width})")
        self.address = address
        self.width = width
        self.reason = reason


class SysregError(ModelError):
    """An access to a system register this GIC does not have."""


class ConfigError(ModelError):
    """A configuration the model cannot be built from (not a property
    violation: those are reported by the monitors)."""
