#include "claims.h"

#include <stdio.h>

#include "mb.h"

int mb_claims_main(int argc, char **argv)
{
	fprintf(stderr, "modebench: claims is not implemented yet\n");
	return MB_EXIT_FAILED;
}
