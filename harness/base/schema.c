/* The column and mode names of schema.h, expanded from its X-macro lists.
 * Lookups are linear scans of a few dozen short strings. */
#include "schema.h"

#include <string.h>

const char *const mb_column_names[MB_NCOLUMNS] = {
#define MB_COL_NAME(name, group) #name,
	MB_COLUMNS(MB_COL_NAME)
#undef MB_COL_NAME
};

int mb_column_find(const char *name)
{
	for (int i = 0; i < MB_NCOLUMNS; i++)
		if (strcmp(mb_column_names[i], name) == 0)
			return i;
	return -1;
}

const char *const mb_mode_names[MB_NMODE_NAMES] = {
#define MB_MODE_NAME_STR(id, name) name,
	MB_MODE_NAMES(MB_MODE_NAME_STR)
#undef MB_MODE_NAME_STR
};

int mb_mode_name_index(const char *name)
{
	for (int i = 0; name && i < MB_NMODE_NAMES; i++)
		if (strcmp(mb_mode_names[i], name) == 0)
			return i;
	return -1;
}
