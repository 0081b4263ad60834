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
