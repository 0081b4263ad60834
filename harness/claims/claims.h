/* `modebench claims [-o DIR] [--quick]`: a fixed suite that tests seven
 * claims about execution models on this machine (and three more in CPython
 * where modebench has Python) and writes DIR/claims.md
 * and DIR/claims.html (verdicts, figures, commands, charts). See claims.c;
 * the internals are in claims_int.h. */
#ifndef MB_CLAIMS_H
#define MB_CLAIMS_H

/* argv[0] is "claims". Returns the process exit status: 0, 1 when a run
 * or a chart failed (the report is still written), 2 usage error (nothing
 * written), 130 interrupted. */
int mb_claims_main(int argc, char **argv);

#endif
