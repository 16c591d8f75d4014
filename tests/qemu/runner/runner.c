/*
 * Bare-metal scenario runner for QEMU virt (AArch64, EL1, MMU off).
 *
 * It executes a program of GIC register operations, loaded by QEMU at
 * PROG_BASE, on several cpus in a fixed interleaving and prints what it
 * read back on the PL011 UART.  tests/qemu/harness.py builds the program
 * blob, starts QEMU and parses the output; its module docstring describes
 * the format.  In short:
 *
 *   header: u64 magic "PCKSCN01", u64 nops, u64 ncpus,
 *           u64 mpidr[ncpus]            (logical cpu -> MPIDR; [0] = boot cpu)
 *   ops:    nops x { u64 core, opcode, a, b }
 *
 * Op i runs on logical cpu ops[i].core once the shared step counter equals
 * i; that cpu then sets the counter to i + 1.  Waiting cpus spin with
 * YIELD, which makes QEMU's single-threaded TCG switch to the next vCPU.
 *
 * Output lines:
 *   BOOT <current EL> <MPIDR_EL1 hex>   first line, from cpu 0
 *   R <op index> <value hex>            one per op with a result, in order
 *   DONE                                all ops ran
 *   FAULT <op> <ESR> <FAR> <ELR>        an op took a synchronous exception or
 *                                       SError (preceded by the R lines of
 *                                       the ops before it)
 *   BAD <reason> ...                    malformed program / failed boot step
 *   CRASH <vector> <ESR> <FAR> <ELR>    exception outside any op (runner bug)
 * after DONE, FAULT, BAD or CRASH the runner calls PSCI SYSTEM_OFF.
 *
 * Interrupts stay masked in PSTATE (DAIF.I and DAIF.F set) all the time;
 * scenarios observe them through ISR_EL1 and the acknowledge registers.
 */

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define MAX_CPUS   64
#define MAX_OPS    65536
#define STACK_SIZE 0x4000       /* must match start.S */

#define PROG_BASE  0x48000000UL
#define UART_BASE  0x09000000UL
#define UART_DR    0x000
#define UART_FR    0x018
#define UART_FR_TXFF (1u << 5)

#define MAGIC      0x31304e43534b4350UL   /* "PCKSCN01" little-endian */
#define NOT_STARTED (~0UL)
#define AFF_MASK   0xff00ffffffUL         /* Aff3, Aff2, Aff1, Aff0 */

/* PSCI function ids (SMC Calling Convention, 64-bit where it matters). */
#define PSCI_CPU_OFF    0x84000002UL
#define PSCI_CPU_ON     0xc4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL

/* Opcodes (keep in step with harness.py). */
enum {
    OP_MMIO_READ = 1,
    OP_MMIO_WRITE32 = 2,
    OP_MMIO_WRITE8 = 3,
    OP_MMIO_WRITE64 = 4,
    OP_MMIO_WRITE16 = 5,
    OP_SYSREG_READ = 6,
    OP_SYSREG_WRITE = 7,
    OP_DELAY = 8,
};

#define NUM_SYSREGS 20
#define SYSREG_ISR_EL1   17
#define SYSREG_MPIDR_EL1 18

/* Stacks and result slots: not cleared at boot (see link.ld). */
unsigned char runner_stacks[MAX_CPUS][STACK_SIZE]
    __attribute__((section(".noinit"), aligned(16)));
static u64 results[MAX_OPS] __attribute__((section(".noinit")));

/* Shared state (in .bss, cleared by cpu 0 before anything else runs). */
static volatile u64 step;                  /* index of the op whose turn it is */
static volatile u64 checked_in[MAX_CPUS];  /* 1 = running, 2 = wrong MPIDR */
static volatile u64 cur_op[MAX_CPUS];      /* op index + 1 being executed, 0 = none */
static volatile u64 in_fault;

/* The program blob, read with aligned 64-bit loads only. */
static volatile const u64 *const prog = (volatile const u64 *)PROG_BASE;
static u64 nops, ncpus;

static u64 op_word(u64 i, u64 k) { return prog[3 + ncpus + 4 * i + k]; }

/* ---- barriers, cpu state, PSCI ------------------------------------------ */

static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void yield(void) { __asm__ volatile("yield" ::: "memory"); }

static u64 read_mpidr(void)
{
    u64 v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return v;
}

static u64 this_cpu(void)
{
    u64 v;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(v));
    return v;
}

static long psci(u64 fn, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = fn;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    /* SMCCC: x4-x17 may be corrupted by the call. */
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    return (long)x0;
}

static void __attribute__((noreturn)) power_off(void)
{
    dsb();
    psci(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfe");
}

/* ---- UART output ---------------------------------------------------------- */

static void uart_putc(char c)
{
    volatile u32 *fr = (volatile u32 *)(UART_BASE + UART_FR);
    volatile u32 *dr = (volatile u32 *)(UART_BASE + UART_DR);
    while (*fr & UART_FR_TXFF)
        ;
    *dr = (u32)(u8)c;
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void put_hex(u64 v)
{
    char buf[17];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v);
    while (n)
        uart_putc(buf[--n]);
}

static void put_dec(u64 v)
{
    char buf[21];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_putc(buf[--n]);
}

static void __attribute__((noreturn)) bad(const char *why, u64 x, u64 y)
{
    uart_puts("BAD ");
    uart_puts(why);
    uart_putc(' ');
    put_dec(x);
    uart_putc(' ');
    put_hex(y);
    uart_putc('\n');
    power_off();
}

/* ---- system registers ----------------------------------------------------- */

/*
 * Register id -> generic encoding S<op0>_<op1>_C<n>_C<m>_<op2>, so the
 * assembler accepts every name whatever its -march.  Ids as in harness.py.
 */
#define SYSREGS(X)                                                   \
    X(0, "S3_0_C12_C12_5")  /* ICC_SRE_EL1 */                        \
    X(1, "S3_0_C12_C12_4")  /* ICC_CTLR_EL1 */                       \
    X(2, "S3_0_C4_C6_0")    /* ICC_PMR_EL1 */                        \
    X(3, "S3_0_C12_C12_3")  /* ICC_BPR1_EL1 */                       \
    X(4, "S3_0_C12_C12_6")  /* ICC_IGRPEN0_EL1 */                    \
    X(5, "S3_0_C12_C12_7")  /* ICC_IGRPEN1_EL1 */                    \
    X(6, "S3_0_C12_C8_0")   /* ICC_IAR0_EL1 */                       \
    X(7, "S3_0_C12_C12_0")  /* ICC_IAR1_EL1 */                       \
    X(8, "S3_0_C12_C8_1")   /* ICC_EOIR0_EL1 */                      \
    X(9, "S3_0_C12_C12_1")  /* ICC_EOIR1_EL1 */                      \
    X(10, "S3_0_C12_C11_1") /* ICC_DIR_EL1 */                        \
    X(11, "S3_0_C12_C8_2")  /* ICC_HPPIR0_EL1 */                     \
    X(12, "S3_0_C12_C12_2") /* ICC_HPPIR1_EL1 */                     \
    X(13, "S3_0_C12_C11_3") /* ICC_RPR_EL1 */                        \
    X(14, "S3_0_C12_C11_5") /* ICC_SGI1R_EL1 */                      \
    X(15, "S3_0_C12_C11_7") /* ICC_SGI0R_EL1 */                      \
    X(16, "S3_0_C12_C11_6") /* ICC_ASGI1R_EL1 */                     \
    X(19, "S3_0_C12_C8_3")  /* ICC_BPR0_EL1 */

/* Read-only registers, readable but never written. */
#define RO_SYSREGS(X)                                                \
    X(17, "S3_0_C12_C1_0")  /* ISR_EL1 */                            \
    X(18, "S3_0_C0_C0_5")   /* MPIDR_EL1 */

static u64 sysreg_read(u64 id)
{
    u64 v = 0;
    switch (id) {
#define READ_CASE(n, enc) \
    case n: __asm__ volatile("mrs %0, " enc : "=r"(v) :: "memory"); break;
        SYSREGS(READ_CASE)
        RO_SYSREGS(READ_CASE)
#undef READ_CASE
    }
    return v;
}

static void sysreg_write(u64 id, u64 v)
{
    switch (id) {
#define WRITE_CASE(n, enc) \
    case n: __asm__ volatile("msr " enc ", %0" :: "r"(v) : "memory"); break;
        SYSREGS(WRITE_CASE)
#undef WRITE_CASE
    }
    isb();
}

/* ---- MMIO: exact-width accesses ---------------------------------------------- */

static u64 mmio_read(u64 addr, u64 width)
{
    u64 v = 0;
    switch (width) {
    case 1: __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
    case 2: __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
    case 4: __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
    case 8: __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
    }
    dsb();
    isb();
    return v;
}

static void mmio_write(u64 addr, u64 width, u64 v)
{
    switch (width) {
    case 1: __asm__ volatile("strb %w0, [%1]" :: "r"(v), "r"(addr) : "memory"); break;
    case 2: __asm__ volatile("strh %w0, [%1]" :: "r"(v), "r"(addr) : "memory"); break;
    case 4: __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(addr) : "memory"); break;
    case 8: __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(addr) : "memory"); break;
    }
    dsb();
    isb();
}

/* ---- the program ---------------------------------------------------------- */

static int has_result(u64 opcode)
{
    return opcode == OP_MMIO_READ || opcode == OP_SYSREG_READ;
}

/* Reject anything the executor would not know what to do with. */
static void validate(void)
{
    if (prog[0] != MAGIC)
        bad("magic", 0, prog[0]);
    nops = prog[1];
    ncpus = prog[2];
    if (ncpus < 1 || ncpus > MAX_CPUS)
        bad("ncpus", 0, ncpus);
    if (nops > MAX_OPS)
        bad("nops", 0, nops);
    if ((prog[3] & AFF_MASK) != (read_mpidr() & AFF_MASK))
        bad("boot-mpidr", 0, prog[3]);
    for (u64 i = 0; i < nops; i++) {
        u64 core = op_word(i, 0), opcode = op_word(i, 1), a = op_word(i, 2), b = op_word(i, 3);
        if (core >= ncpus)
            bad("core", i, core);
        switch (opcode) {
        case OP_MMIO_READ:
            if (b != 1 && b != 2 && b != 4 && b != 8)
                bad("width", i, b);
            break;
        case OP_MMIO_WRITE32:
        case OP_MMIO_WRITE8:
        case OP_MMIO_WRITE64:
        case OP_MMIO_WRITE16:
        case OP_DELAY:
            break;
        case OP_SYSREG_READ:
            if (a >= NUM_SYSREGS)
                bad("sysreg", i, a);
            break;
        case OP_SYSREG_WRITE:
            if (a >= NUM_SYSREGS || a == SYSREG_ISR_EL1 || a == SYSREG_MPIDR_EL1)
                bad("sysreg", i, a);
            break;
        default:
            bad("opcode", i, opcode);
        }
    }
}

static u64 execute(u64 opcode, u64 a, u64 b)
{
    switch (opcode) {
    case OP_MMIO_READ: return mmio_read(a, b);
    case OP_MMIO_WRITE32: mmio_write(a, 4, b); break;
    case OP_MMIO_WRITE8: mmio_write(a, 1, b); break;
    case OP_MMIO_WRITE64: mmio_write(a, 8, b); break;
    case OP_MMIO_WRITE16: mmio_write(a, 2, b); break;
    case OP_SYSREG_READ: return sysreg_read(a);
    case OP_SYSREG_WRITE: sysreg_write(a, b); break;
    case OP_DELAY:
        for (u64 k = 0; k < a; k++)
            yield();
        break;
    }
    return 0;
}

/* Run this cpu's share of the ops, each when its turn comes. */
static void run_ops(u64 me)
{
    for (u64 i = 0; i < nops; i++) {
        if (op_word(i, 0) != me)
            continue;
        while (step != i)
            yield();
        cur_op[me] = i + 1;
        results[i] = execute(op_word(i, 1), op_word(i, 2), op_word(i, 3));
        cur_op[me] = 0;
        dsb();
        step = i + 1;
        dsb();
    }
}

static void print_results(u64 upto)
{
    for (u64 i = 0; i < upto && i < nops; i++) {
        if (!has_result(op_word(i, 1)))
            continue;
        uart_puts("R ");
        put_dec(i);
        uart_putc(' ');
        put_hex(results[i]);
        uart_putc('\n');
    }
}

void secondary_main(u64 me)
{
    /* nops and ncpus were set by cpu 0 before it started this cpu. */
    dsb();
    checked_in[me] = (read_mpidr() & AFF_MASK) == (prog[3 + me] & AFF_MASK) ? 1 : 2;
    dsb();
    run_ops(me);
    /* Done: leave the scheduler's round robin. */
    psci(PSCI_CPU_OFF, 0, 0, 0);
    for (;;)
        yield();
}

extern char secondary_entry[];

void primary_main(void)
{
    u64 el;
    step = NOT_STARTED;
    dsb();
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    uart_puts("BOOT ");
    put_dec((el >> 2) & 3);
    uart_putc(' ');
    put_hex(read_mpidr());
    uart_putc('\n');

    validate();

    /* Start the other cpus one at a time, each on its own stack. */
    for (u64 n = 1; n < ncpus; n++) {
        long ret = psci(PSCI_CPU_ON, prog[3 + n] & AFF_MASK, (u64)secondary_entry, n);
        if (ret != 0)
            bad("cpu_on", n, (u64)ret);
        while (checked_in[n] == 0)
            yield();
        if (checked_in[n] != 1)
            bad("mpidr", n, prog[3 + n]);
    }

    dsb();
    step = 0;
    dsb();
    run_ops(0);
    while (step != nops)
        yield();
    dsb();
    print_results(nops);
    uart_puts("DONE\n");
    power_off();
}

/* Called from every exception vector (start.S); never returns. */
void runner_exception(u64 kind, u64 esr, u64 far, u64 elr)
{
    u64 me = this_cpu();
    u64 op = me < MAX_CPUS ? cur_op[me] : 0;
    /* A second exception (nested, or another cpu) only stops the machine. */
    if (in_fault)
        power_off();
    in_fault = 1;
    dsb();
    /* kind 0/4 = synchronous, 3/7 = SError; anything else is unexpected. */
    if (op != 0 && (kind == 0 || kind == 4 || kind == 3 || kind == 7)) {
        print_results(op - 1);
        uart_puts("FAULT ");
        put_dec(op - 1);
    } else {
        uart_puts("CRASH ");
        put_dec(kind);
    }
    uart_putc(' ');
    put_hex(esr);
    uart_putc(' ');
    put_hex(far);
    uart_putc(' ');
    put_hex(elr);
    uart_putc('\n');
    power_off();
}
