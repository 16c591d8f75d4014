"""pcheck's reference model: an executable ARM SoC with a GICv2 or GICv3
shared by several seL4 kernel instances.

Configure it with plain data (model.config), run a scenario of steps
(model.scenario) on a Machine, read the trace and the violations the
isolation monitors found, and format the trace as text.
"""

from model.config import (BUILTIN_PROFILES, SEL4, SEL4_MK, SEL4_SMP, Call, Channel, Core, Device, Gic,
                          Kernel, MachineConfig, Notification, Pd, Profile, Queue, Region, SharedRegion, affinity_of,
                          config_from_json, config_to_json)
from model.errors import ConfigError, MmioError, ModelError, SysregError
from model.gic import GicBase
from model.gicv2 import GicV2
from model.gicv3 import GicV3, irouter_value, sgi1r_fields
from model.kernel import KernelInstance, Signal
from model.machine import Machine, make_gic, run_scenario, validate
from model.monitors import static_violations
from model.memory import MemoryMap, Owned, Route
from model.mmio import Decoded, Register, RegisterMap
from model.scenario import (STEP_TYPES, Access, AcquireIrq, SetIrqTarget, BindChannel, BindSgi, Boot, ConfigureTrigger,
                            Deliver, Mmio, PdAccess, PdCall, RaiseSpi, RingDoorbell, SendChannel, SendSgi, SmpIpi, Step, TriggerRead,
                            TriggerWrite, scenario_from_json, scenario_to_json, startup_scenario,
                            step_from_json)
from model.sel4_gic import sgi1r_from_target, sgi_target_for, sgir_from_target
from model.trace import (CallOutcome, PdMemAccess, Delivery, ErrorEvent, Event, MemAccess, Note, Refusal, RegAccess, Run,
                         SgiLost, SgiPended, SpiRaised, Violation, format_event, format_trace)

__all__ = [
    # configuration
    "Core", "Region", "Gic", "Profile", "Device", "SharedRegion", "Kernel", "Channel",
    "Pd", "Notification", "Call", "Queue",
    "MachineConfig", "SEL4", "SEL4_SMP", "SEL4_MK", "BUILTIN_PROFILES", "affinity_of",
    "config_to_json", "config_from_json",
    # errors
    "ModelError", "MmioError", "SysregError", "ConfigError",
    # hardware
    "Register", "RegisterMap", "Decoded", "GicBase", "GicV2", "GicV3", "make_gic",
    "irouter_value", "sgi1r_fields", "sgir_from_target", "sgi1r_from_target", "sgi_target_for",
    "MemoryMap", "Owned", "Route",
    # kernels and machine
    "KernelInstance", "Signal", "Machine", "run_scenario", "validate", "static_violations",
    # scenarios
    "Step", "Boot", "AcquireIrq", "SetIrqTarget", "ConfigureTrigger", "TriggerRead", "TriggerWrite", "RaiseSpi",
    "BindChannel", "BindSgi", "SendChannel", "SendSgi", "SmpIpi", "Deliver", "Access", "Mmio", "PdAccess", "PdCall", "RingDoorbell", "STEP_TYPES",
    "step_from_json", "scenario_to_json", "scenario_from_json", "startup_scenario",
    # trace
    "Event", "RegAccess", "ErrorEvent", "Refusal", "Note", "SpiRaised", "SgiPended", "SgiLost",
    "Delivery", "MemAccess", "PdMemAccess", "CallOutcome", "Violation", "Run", "format_trace", "format_event",
]
