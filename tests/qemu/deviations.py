"""Where QEMU 7.2's GIC emulation departs from the architecture, and the model follows the architecture.

Each deviation names the QEMU behaviour, what the architecture says and where
(ARM IHI 0048B for GICv2, ARM IHI 0069 for GICv3). A differential scenario that
exercises one says so (`Scenario.deviation`); the suite then requires QEMU to
differ from the model in that scenario (so a QEMU that fixes it is noticed) and
every other scenario to agree. Found by running these scenarios on QEMU 7.2
(Debian 1:7.2+dfsg-7) and reading hw/intc/arm_gic.c and arm_gicv3*.c there.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class Deviation:
    name: str
    qemu: str
    architecture: str


DEVIATIONS = {d.name: d for d in (
    Deviation(
        "v2-spi-n-n",
        "GICv2: an SPI whose GICD_ITARGETSR byte names several cpus is acknowledged by each of them "
        "(every targeted cpu interface reads its INTID from GICC_IAR).",
        "1-N model: the first acknowledge makes the interrupt active; other targeted interfaces read 1023 "
        "(IHI0048B 1.4.3 'Models for handling interrupts', 3.2.4).",
    ),
    Deviation(
        "v2-pending-per-target",
        "GICv2: an SPI pended while ITARGETSR names cpu A stays pending for A only: retargeting it to B "
        "before it is taken does not make it pending at B.",
        "The pending state belongs to the interrupt; the distributor forwards a pending SPI to the cpus "
        "ITARGETSR names when it forwards it (IHI0048B 3.1.1, 4.3.12).",
    ),
    Deviation(
        "v2-hppir-no-source",
        "GICv2: GICC_HPPIR for a pending SGI reads the INTID without the source cpu in bits [12:10].",
        "GICC_HPPIR has the same format as GICC_IAR: CPUID is the source cpu of an SGI (IHI0048B 4.4.8).",
    ),
    Deviation(
        "v3-waker-no-hold",
        "GICv3: a redistributor with GICR_WAKER.ProcessorSleep set still forwards interrupts to its cpu "
        "interface.",
        "ProcessorSleep = 1: the redistributor does not forward interrupts to the cpu interface "
        "(IHI0069 GICR_WAKER, 'ProcessorSleep').",
    ),
    Deviation(
        "v3-irm-ignored",
        "GICv3 (QEMU 7.2): GICD_IROUTER.Interrupt_Routing_Mode is ignored: an SPI with IRM = 1 goes to the cpu "
        "its affinity fields name (cpu 0 for IROUTER 0x8000_0000), or to nobody when that cpu does not take Group 1.",
        "IRM = 1: the SPI may go to any participating PE, one whose ICC_IGRPEN1_EL1 is set (IHI0069 GICD_IROUTER, "
        "'1 of N' distribution); the affinity fields are then ignored.",
    ),
    Deviation(
        "v2-ppi-pend-multicpu",
        "GICv2 with more than one cpu: a write to GICD_ISPENDR0 makes no PPI pending, on the writing cpu or "
        "any other (with one cpu it does).",
        "GICD_ISPENDR0 is banked: writing 1 makes the PPI pending at the writing cpu interface "
        "(IHI0048B 4.3.7, 'In a multiprocessor implementation, GICD_ISPENDR0 is banked for each connected processor').",
    ),
    Deviation(
        "v2-spendsgir-zero",
        "GICv2: a zero byte stored to GICD_SPENDSGIRn (a byte store of zero, or a zero lane of a word store) "
        "makes that SGI read as pending in GICD_ISPENDR0 with no source cpu, and the next GICC_IAR read that "
        "picks it aborts QEMU (assertion `s->sgi_pending[irq][cpu] != 0' in gic_clear_pending_sgi, hw/intc/arm_gic.c).",
        "Writing 0 to a set-pending bit has no effect (IHI0048B 4.3.15, GICD_SPENDSGIRn).",
    ),
    Deviation(
        "v2-sgir-filter-3",
        "GICv2: GICD_SGIR with the reserved TargetListFilter 0b11 pends the SGI at every cpu interface.",
        "0b11 is reserved (IHI0048B 4.3.15); the model forwards it nowhere (seL4 never writes it).",
    ),
    Deviation(
        "v3-rs-ignored",
        "GICv3: ICC_SGI1R_EL1.RS is ignored: RS = 1 (Aff0 16..31) signals the cpus with Aff0 0..15 of the "
        "target list.",
        "RS selects the range of Aff0 values: TargetList bit n names Aff0 = RS * 16 + n "
        "(IHI0069 ICC_SGI1R_EL1, 'RS').",
    ),
)}

# The program of "v2-spendsgir-zero" that would abort QEMU is not a differential scenario
# (test_qemu_differential checks that QEMU still aborts on it).
ABORTS = ("v2-spendsgir-zero",)

# Implementation choices where both QEMU and the model are architectural but differ; the suite
# compares only the bits both implement (`compare_mask` in scenarios.py).
CHOICES = (
    "GICv3 priority bits: QEMU implements 5 (ICC_CTLR_EL1.PRIbits = 4; the low 3 bits of GICD_IPRIORITYR, "
    "GICR_IPRIORITYR and ICC_PMR_EL1 are RAZ/WI), the model 8; scenarios use priorities with the low 3 bits clear.",
    "Identification registers (GICD_IIDR, GICC_IIDR, GICR_IIDR) and the GICD_TYPER fields beyond "
    "ITLinesNumber and CPUNumber (LPIs, ID bits, No1N, A3V on QEMU): not compared.",
    "GICR_CTLR.CES (LPIs: QEMU has them, the model does not) and the GICR_TYPER fields beyond the affinity, "
    "the processor number and Last: not compared.",
    "ICC_CTLR_EL1 read-only fields (PRIbits, IDbits, A3V, SEIS, PMHE): only EOImode is compared; GICC_CTLR: "
    "only EnableGrp0/EnableGrp1 (the model has no AckCtl, FIQEn, CBPR or EOImodeNS).",
    "GICv2 interrupt groups: the model stores GICD_IGROUPR but does not gate delivery by group (seL4 puts "
    "every interrupt into Group 0 and enables Group 0); scenarios keep every GICv2 interrupt in Group 0.",
)
