/*
 * Entry points and exception vectors of the scenario runner.
 *
 * QEMU virt without firmware enters _start on CPU 0 at EL1 with the MMU
 * off.  Secondary CPUs are started by PSCI CPU_ON at secondary_entry with
 * x0 = context id = logical runner cpu number (see runner.c).
 *
 * Every CPU gets its own STACK_SIZE stack out of runner_stacks (runner.c);
 * logical cpu n uses the n-th slot, growing down from its top.
 */

#define STACK_SIZE 0x4000   /* must match runner.c */

    .section .text.boot, "ax"
    .global _start
_start:
    msr     daifset, #0xf           /* mask D, A, I, F while setting up */
    mov     x19, #0                 /* logical cpu 0 */
    bl      cpu_setup

    /* Clear .bss (16-byte aligned by link.ld). */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  dsb     sy
    bl      primary_main
    b       hang

    .global secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     x19, x0                 /* context id = logical cpu number */
    bl      cpu_setup
    mov     x0, x19
    bl      secondary_main
    b       hang

/*
 * Per-cpu setup; x19 = logical cpu number.  Sets SP, TPIDR_EL1 (the
 * fault handler uses it to find the cpu's current op), VBAR_EL1, enables
 * FP/SIMD access (harmless; the C code is built general-regs-only) and
 * unmasks SError so an asynchronous abort is reported.  IRQ and FIQ stay
 * masked for the whole run.  Clobbers x0-x2; returns with ret (x30).
 */
cpu_setup:
    ldr     x0, =runner_stacks
    add     x1, x19, #1
    mov     x2, #STACK_SIZE
    madd    x0, x1, x2, x0          /* top of this cpu's stack */
    mov     sp, x0
    msr     tpidr_el1, x19
    ldr     x0, =vectors
    msr     vbar_el1, x0
    mov     x0, #(3 << 20)          /* CPACR_EL1.FPEN = 0b11 */
    msr     cpacr_el1, x0
    isb
    msr     daifclr, #0x4           /* unmask SError (A) only */
    isb
    ret

hang:
    wfe
    b       hang

/*
 * Exception vectors.  Nothing ever returns: every entry calls
 * runner_exception(kind, esr, far, elr), which reports and powers off.
 * kind = vector slot number 0..15 (slot / 0x80).
 */
    .macro  vector kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el1
    mrs     x2, far_el1
    mrs     x3, elr_el1
    b       runner_exception
    .endm

    .section .vectors, "ax"
    .balign 2048
    .global vectors
vectors:
    vector 0    /* current EL, SP_EL0: sync */
    vector 1    /*                     IRQ */
    vector 2    /*                     FIQ */
    vector 3    /*                     SError */
    vector 4    /* current EL, SP_ELx: sync */
    vector 5    /*                     IRQ */
    vector 6    /*                     FIQ */
    vector 7    /*                     SError */
    vector 8    /* lower EL, AArch64 (never used) */
    vector 9
    vector 10
    vector 11
    vector 12   /* lower EL, AArch32 (never used) */
    vector 13
    vector 14
    vector 15
