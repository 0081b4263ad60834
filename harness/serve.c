#include "serve.h"

#include <stdio.h>

#include "mb.h"

int mb_serve_main(int argc, char **argv)
{
	fprintf(stderr, "modebench: serve is not implemented yet\n");
	return MB_EXIT_FAILED;
}
