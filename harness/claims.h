/* `modebench claims [-o DIR]`: the folklore suite. See claims.c. */
#ifndef MB_CLAIMS_H
#define MB_CLAIMS_H

/* argv[0] is "claims". Returns the process exit status. */
int mb_claims_main(int argc, char **argv);

#endif
