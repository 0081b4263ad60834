#include <string.h>

#include "step.h"

const struct mb_step_kind *const mb_step_kinds[] = {
#define MB_STEP_REF(name) &mb_step_##name,
	MB_STEP_KINDS(MB_STEP_REF)
#undef MB_STEP_REF
};
const unsigned mb_step_nkinds = sizeof(mb_step_kinds) / sizeof(mb_step_kinds[0]);

const struct mb_step_kind *mb_step_find(const char *name, unsigned len)
{
	for (unsigned i = 0; i < mb_step_nkinds; i++)
		if (strlen(mb_step_kinds[i]->name) == len &&
		    !memcmp(mb_step_kinds[i]->name, name, len))
			return mb_step_kinds[i];
	return NULL;
}
