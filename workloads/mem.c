/* mem step: not built yet (issue 3). The descriptor exists so the registry
 * is complete and a recipe using it gets an unsupported row with a reason. */
#include <errno.h>
#include <stdio.h>

#include "step.h"
#include "worker.h"

static int mem_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	s->a = 1;
	return 0;
}

static const char *mem_unsupported(const struct mb_run *run, const struct mb_step *s)
{
	return "the mem step is not implemented yet";
}

const struct mb_step_kind mb_step_mem = {
	.name = "mem",
	.syntax = "mem:ARG",
	.help = "not implemented yet",
	.is_wait = true,
	.parse = mem_parse,
	.unsupported = mem_unsupported,
};
