/* Chart scripts and gnuplot (tools.h). */
#include "tools.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOOLS_PATH 4096

/* Whether dir/probe is readable. */
static bool holds(const char *dir, const char *probe)
{
	char p[TOOLS_PATH];
	if (snprintf(p, sizeof(p), "%s/%s", dir, probe) >= (int)sizeof(p))
		return false;
	return access(p, R_OK) == 0;
}

static int found(char *buf, size_t len, const char *dir)
{
	if (snprintf(buf, len, "%s", dir) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* The folder above the binary's own (/proc/self/exe is a resolved path,
 * so cutting two names is what ".." would give); "" when unknown. */
static void exe_parent(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(buf, '/');
		if (!slash) {
			buf[0] = '\0';
			return;
		}
		*slash = '\0';
	}
}

int mb_scripts_dir(const char *probe, char *buf, size_t len)
{
	const char *env = getenv("MB_SCRIPTS");
	char up[TOOLS_PATH], cand[3][TOOLS_PATH];
	unsigned n = 0;

	if (env && *env) {
		if (holds(env, probe))
			return found(buf, len, env);
		snprintf(buf, len, "looked for %s in $MB_SCRIPTS (%s)", probe, env);
		return -ENOENT;
	}
	exe_parent(up, sizeof(up));
	if (up[0]) {
		snprintf(cand[n++], sizeof(cand[0]), "%.*s/share/modebench/scripts",
			 (int)(sizeof(cand[0]) - 32), up);
		snprintf(cand[n++], sizeof(cand[0]), "%.*s/scripts",
			 (int)(sizeof(cand[0]) - 32), up);
	}
#ifdef MB_SOURCE_DIR
	snprintf(cand[n++], sizeof(cand[0]), "%s/scripts", MB_SOURCE_DIR);
#endif
	for (unsigned i = 0; i < n; i++)
		if (holds(cand[i], probe))
			return found(buf, len, cand[i]);
	int off = snprintf(buf, len, "looked for %s in", probe);
	for (unsigned i = 0; i < n && off >= 0 && (size_t)off < len; i++)
		off += snprintf(buf + off, len - (size_t)off, "%s %s",
				i == 0 ? "" : i + 1 < n ? "," : " and", cand[i]);
	if (n == 0)
		snprintf(buf, len, "looked for %s nowhere (no binary path, no source tree)",
			 probe);
	return -ENOENT;
}

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

const char *mb_gnuplot(bool *ok)
{
	const char *g = getenv("GNUPLOT");
	if (!g || !*g)
		g = "gnuplot";
	if (!ok)
		return g;
	*ok = false;
	if (strchr(g, '/')) {
		*ok = executable(g);
		return g;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	char p[TOOLS_PATH];
	for (;;) {
		size_t n = strcspn(path, ":");
		if (snprintf(p, sizeof(p), "%.*s/%s", (int)n, n ? path : ".", g) < (int)sizeof(p) &&
		    executable(p)) {
			*ok = true;
			break;
		}
		if (!path[n])
			break;
		path += n + 1;
	}
	return g;
}

int mb_gp_quote(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	if (len < 3) {
		if (len)
			dst[0] = '\0';
		return -ENAMETOOLONG;
	}
	dst[n++] = '\'';
	for (; *src; src++) {
		if (n + (*src == '\'') + 2 >= len) {
			dst[0] = '\0';
			return -ENAMETOOLONG;
		}
		if (*src == '\'')
			dst[n++] = '\'';
		dst[n++] = *src;
	}
	dst[n++] = '\'';
	dst[n] = '\0';
	return 0;
}

pid_t mb_gp_spawn(const char *gnuplot, const char *expr, const char *script, int out_fd)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0)
		return -errno;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = -errno;
		close(devnull);
		return e;
	}
	if (pid == 0) {
		if (dup2(devnull, 0) < 0 ||
		    (out_fd >= 0 && (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)))
			_exit(127);
		execlp(gnuplot, gnuplot, "-e", expr, script, (char *)NULL);
		dprintf(2, "cannot run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	}
	close(devnull);
	return pid;
}

int mb_tmp_create(const char *dir, const char *name, char *tmp, size_t len)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	int n = snprintf(tmp, len, "%s/.mb-XXXXXX-%s", dir, base);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			tmp[0] = '\0';
		return -ENAMETOOLONG;
	}
	int fd = mkostemps(tmp, (int)strlen(base) + 1, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mkostemps makes 0600; a report file is as open as fopen's */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		int e = -errno;
		close(fd);
		unlink(tmp);
		return e;
	}
	return fd;
}

int mb_tmp_commit(const char *tmp, const char *dir, const char *name)
{
	char path[TOOLS_PATH];
	struct stat st;
	int rc = 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		rc = -ENAMETOOLONG;
	else if (lstat(tmp, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EPERM;
	else if (rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int mb_out_open(struct mb_out *o, const char *dir, const char *name)
{
	o->f = NULL;
	o->dir = dir;
	o->name = name;
	int fd = mb_tmp_create(dir, name, o->tmp, sizeof(o->tmp));
	if (fd < 0)
		return fd;
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int e = -errno;
		close(fd);
		unlink(o->tmp);
		return e;
	}
	return 0;
}

int mb_out_close(struct mb_out *o, bool ok)
{
	int rc = 0;
	if (!o->f)
		return -EBADF;
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		rc = errno ? -errno : -EIO;
	if (fclose(o->f) != 0 && rc == 0)
		rc = errno ? -errno : -EIO;
	o->f = NULL;
	if (rc == 0 && ok)
		return mb_tmp_commit(o->tmp, o->dir, o->name);
	unlink(o->tmp);
	return rc;
}
