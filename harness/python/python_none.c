/* The Python runtime in a build without CPython's embedding library
 * (CMake did not find Python3 Development.Embed): the same interface,
 * every entry saying why it cannot run, so the rest of modebench needs no
 * conditional code and --runtime python is a usage error that says so. */
#include "python.h"

#include <errno.h>
#include <stdio.h>

static const char why[] = "modebench was built without Python (CMake found no CPython "
			  "embedding library: install libpython3-dev and rebuild)";

const char *mb_python_unavailable(void)
{
	return why;
}

const struct mb_runtime *mb_python_runtime(void)
{
	return NULL;
}

const char *mb_python_version(void)
{
	return "";
}

static uint64_t switch_ns = 5000000;

void mb_python_set_switch_interval(uint64_t ns)
{
	switch_ns = ns;
}

uint64_t mb_python_switch_interval(void)
{
	return switch_ns;
}

static int unavailable(char *err, unsigned errlen)
{
	snprintf(err, errlen, "%s", why);
	return -ENOSYS;
}

int mb_python_calibrate(const struct mb_topo *topo, unsigned pu, double *units_per_s,
			char *err, unsigned errlen)
{
	return unavailable(err, errlen);
}

int mb_python_kernel(uint64_t x, uint64_t n, uint64_t *out, char *err, unsigned errlen)
{
	return unavailable(err, errlen);
}

int mb_python_bare_loop(uint64_t units, uint64_t tasks, double *seconds, char *err,
			unsigned errlen)
{
	return unavailable(err, errlen);
}

const char *mb_python_row_note(const struct mb_recipe *r, const struct mb_mode *m)
{
	return NULL;
}

int mb_python_finalize(void)
{
	return 0;
}
