/* file step: not built yet (issue 3). The descriptor exists so the registry
 * is complete and a recipe using it gets an unsupported row with a reason. */
#include <errno.h>
#include <stdio.h>

#include "step.h"
#include "worker.h"

static int file_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	s->a = 1;
	return 0;
}

static const char *file_unsupported(const struct mb_run *run, const struct mb_step *s)
{
	return "the file step is not implemented yet";
}

const struct mb_step_kind mb_step_file = {
	.name = "file",
	.syntax = "file:ARG",
	.help = "not implemented yet",
	.is_wait = true,
	.parse = file_parse,
	.unsupported = file_unsupported,
};
