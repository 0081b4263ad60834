#include "meta.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "csvout.h"

/* First line of a file, trimmed; "unknown" when unreadable. */
static const char *read_line(const char *path, char *buf, unsigned len)
{
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "unknown");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\r\n")] = 0;
	return buf;
}

/* The value of the first "key : value" line of /proc/cpuinfo. */
static const char *cpuinfo(const char *key, char *buf, unsigned len)
{
	char line[1024];
	FILE *f = fopen("/proc/cpuinfo", "r");
	snprintf(buf, len, "unknown");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon || strncmp(line, key, strlen(key)))
			continue;
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
	return buf;
}

static const char *virt(char *buf, unsigned len)
{
	char flags[4096];
	cpuinfo("flags", flags, sizeof(flags));
	if (!strstr(flags, " hypervisor"))
		return snprintf(buf, len, "no"), buf;
	char vendor[128];
	read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	snprintf(buf, len, "yes (%s)", strcmp(vendor, "unknown") ? vendor : "hypervisor flag");
	return buf;
}

static const char *boost(char *buf, unsigned len)
{
	char v[64];
	if (strcmp(read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof(v)), "unknown"))
		snprintf(buf, len, "turbo %s", strcmp(v, "1") ? "on" : "off");
	else if (strcmp(read_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof(v)), "unknown"))
		snprintf(buf, len, "boost %s", strcmp(v, "0") ? "on" : "off");
	else
		snprintf(buf, len, "unknown");
	return buf;
}

static void caches(const struct mb_topo *topo, char *buf, unsigned len)
{
	static const hwloc_obj_type_t types[] = { HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
						  HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE };
	size_t pos = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < 4; i++) {
		int n = hwloc_get_nbobjs_by_type(topo->t, types[i]);
		hwloc_obj_t o = hwloc_get_obj_by_type(topo->t, types[i], 0);
		if (n <= 0 || !o || pos >= len)
			continue;
		pos += (size_t)snprintf(buf + pos, len - pos, "%sL%u %ux%lluKiB", pos ? " " : "",
					i + 1, n, (unsigned long long)o->attr->cache.size / 1024);
	}
}

/* How many of the n columns a row of the meta file at path gets: all of
 * them in a new file, one fewer in a file whose header predates the last
 * column (cpu_mask), so an older file stays rectangular. */
static unsigned file_columns(const char *path, unsigned n, const char *last)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	if (!f)
		return n;
	bool has = !fgets(line, sizeof(line), f) || strstr(line, last);
	fclose(f);
	return has ? n : n - 1;
}

void mb_meta_path(const char *output, char *buf, unsigned len)
{
	snprintf(buf, len, "%s.meta.csv", output);
	char *dot = strstr(buf, ".csv.meta.csv");
	if (dot)
		memmove(dot, ".meta.csv", strlen(".meta.csv") + 1);
}

static const char *const meta_cols[] = {
	"sweep_id", "started_at", "host", "cpu_model", "microcode", "packages",
	"numa_nodes", "cores", "pus", "caches", "kernel", "clocksource", "governor",
	"boost", "aslr", "virtualized", "compiler", "cflags", "version", "command",
	"cpu_mask",
};
enum { META_NCOLS = MB_ARRAY_SIZE(meta_cols) };

int mb_meta_pack(char *buf, unsigned len, const char *sweep_id, const char *host,
		 const struct mb_topo *topo, const char *cmdline)
{
	char v[META_NCOLS][512];
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	uname(&u);
	gmtime_r(&now, &tm);
	snprintf(v[0], 512, "%s", sweep_id);
	strftime(v[1], 512, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(v[2], 512, "%s", host);
	snprintf(v[3], 512, "%s", topo->cpu_model);
	cpuinfo("microcode", v[4], 512);
	/* what the sweep may use: inside a CPU mask, the packages and cores
	 * that hold one of its PUs (cpu_mask says what narrowed it) */
	snprintf(v[5], 512, "%u", mb_topo_count(topo, HWLOC_OBJ_PACKAGE));
	snprintf(v[6], 512, "%u", mb_topo_count(topo, HWLOC_OBJ_NUMANODE));
	snprintf(v[7], 512, "%u", mb_topo_count(topo, HWLOC_OBJ_CORE));
	snprintf(v[8], 512, "%u", mb_topo_count(topo, HWLOC_OBJ_PU));
	caches(topo, v[9], 512);
	snprintf(v[10], 512, "%s %s %s", u.sysname, u.release, u.version);
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", v[11], 512);
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", v[12], 512);
	boost(v[13], 512);
	read_line("/proc/sys/kernel/randomize_va_space", v[14], 512);
	virt(v[15], 512);
	snprintf(v[16], 512, "%s", MB_COMPILER);
	snprintf(v[17], 512, "%s", MB_CFLAGS);
	snprintf(v[18], 512, "%s+%s", MB_VERSION, MB_GIT_DESCRIBE);
	snprintf(v[19], 512, "%s", cmdline);
	snprintf(v[20], 512, "%s", topo->mask);
	unsigned pos = 0;
	for (unsigned i = 0; i < META_NCOLS; i++) {
		size_t n = strlen(v[i]) + 1;
		if (pos + n > len)
			return 0;
		memcpy(buf + pos, v[i], n);
		pos += (unsigned)n;
	}
	return (int)pos;
}

int mb_meta_write_packed(const char *path, const char *rows, unsigned len, char *err,
			 unsigned errlen)
{
	const char *vals[META_NCOLS];
	struct stat st;
	char line[8192];

	bool fresh = lstat(path, &st) != 0 || st.st_size == 0;
	unsigned ncols = fresh ? META_NCOLS :
				 file_columns(path, META_NCOLS, meta_cols[META_NCOLS - 1]);
	/* never through a symbolic link (the sweep refuses one up front) */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "a");
	if (!f) {
		int rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 rc == -ELOOP ? "it is a symbolic link" : strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (fresh && mb_csv_format_row(line, sizeof(line), meta_cols, META_NCOLS) > 0)
		fprintf(f, "%s\n", line);
	/* each row: META_NCOLS NUL-terminated values, one after another */
	for (unsigned pos = 0; pos < len;) {
		for (unsigned i = 0; i < META_NCOLS; i++) {
			vals[i] = pos < len ? rows + pos : "";
			pos += pos < len ? (unsigned)strnlen(rows + pos, len - pos) + 1 : 0;
		}
		if (mb_csv_format_row(line, sizeof(line), vals, ncols) > 0)
			fprintf(f, "%s\n", line);
	}
	int rc = fclose(f) ? -errno : 0;
	if (rc)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

int mb_meta_write(const char *path, const char *sweep_id, const char *host,
		  const struct mb_topo *topo, const char *cmdline, char *err, unsigned errlen)
{
	static char row[META_NCOLS * 512];
	int n = mb_meta_pack(row, sizeof(row), sweep_id, host, topo, cmdline);
	return mb_meta_write_packed(path, row, (unsigned)n, err, errlen);
}
