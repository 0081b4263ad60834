/* How the claims run things: the run command in-process (an argv built
 * from a format and handed to mb_sweep_main, so each experiment is exactly
 * a command a user can paste) and gnuplot as a child process, found and
 * started the way the report does it (base/tools.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "claims_int.h"
#include "base.h"
#include "run.h"

#define CL_MAXARGS 48

char *cl_path(const struct cl_ctx *ctx, char *buf, size_t len, const char *name)
{
	if (snprintf(buf, len, "%s/%s", ctx->dir, name) >= (int)len)
		buf[len - 1] = 0; /* -o is limited to leave room for the names */
	return buf;
}

/* Appends word to a display line, single-quoted when the shell would
 * otherwise read something into it. */
static void shell_word(char *line, size_t len, const char *w)
{
	size_t pos = strlen(line);
	bool plain = *w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_,.:/=+@%-") == strlen(w);
	if (pos + 1 < len)
		line[pos++] = ' ';
	if (!plain && pos + 1 < len)
		line[pos++] = '\'';
	for (; *w && pos + 5 < len; w++) {
		if (*w == '\'' && !plain) {
			memcpy(line + pos, "'\\''", 4);
			pos += 4;
		} else {
			line[pos++] = *w;
		}
	}
	if (!plain && pos + 1 < len)
		line[pos++] = '\'';
	line[pos] = 0;
}

int cl_run(struct cl_ctx *ctx, struct cl_claim *c, const char *csv, bool reps, const char *fmt,
	   ...)
{
	char words[CL_CMDLEN], paths[CL_MAXARGS][CL_PATH], num[2][16];
	char *argv[CL_MAXARGS + 1], *save = NULL, *w;
	int argc = 0, rc;
	va_list ap;

	if (ctx->interrupted)
		return MB_EXIT_INTERRUPTED;
	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);

	argv[argc++] = (char *)"run";
	for (w = strtok_r(words, " ", &save); w && argc < CL_MAXARGS - 10;
	     w = strtok_r(NULL, " ", &save)) {
		if (w[0] == '@') {
			cl_path(ctx, paths[argc], sizeof(paths[argc]), w + 1);
			unlink(paths[argc]);
			w = paths[argc];
		}
		argv[argc++] = w;
	}
	if (reps) {
		snprintf(num[0], sizeof(num[0]), "%u", ctx->reps);
		snprintf(num[1], sizeof(num[1]), "%u", ctx->warmup);
		argv[argc++] = (char *)"-r";
		argv[argc++] = num[0];
		argv[argc++] = (char *)"--warmup";
		argv[argc++] = num[1];
	}
	argv[argc++] = (char *)"-q";
	argv[argc++] = (char *)"-o";
	argv[argc] = cl_path(ctx, paths[argc], sizeof(paths[argc]), csv);
	unlink(argv[argc]);
	{
		/* the sweep's sidecar (FILE.meta.csv) appends too */
		char meta[CL_PATH + 16];
		size_t l = strlen(argv[argc]);
		if (l > 4 && !strcmp(argv[argc] + l - 4, ".csv")) {
			snprintf(meta, sizeof(meta), "%.*s.meta.csv", (int)(l - 4), argv[argc]);
			unlink(meta);
		}
	}
	argc++;
	argv[argc] = NULL;

	if (c->ncmd < CL_MAXCMD) {
		char *line = c->cmd[c->ncmd++];
		snprintf(line, CL_CMDLEN, "modebench");
		for (int i = 0; i < argc; i++)
			shell_word(line, CL_CMDLEN, argv[i]);
		cl_progress(ctx, line);
	}
	fflush(stdout);
	rc = mb_sweep_main(argc, argv);
	if (rc == MB_EXIT_INTERRUPTED)
		ctx->interrupted = true;
	else if (rc != MB_EXIT_OK)
		ctx->status = MB_EXIT_FAILED;
	return rc;
}

void cl_progress(struct cl_ctx *ctx, const char *what)
{
	if (ctx->quiet)
		return;
	fprintf(stderr, "claims: [%u/%u] %s\n", ctx->step, ctx->nsteps, what);
}

void cl_find_tools(struct cl_ctx *ctx)
{
	ctx->gnuplot = mb_gnuplot(&ctx->have_gnuplot);
	ctx->have_scripts =
		mb_scripts_dir("claims_waits.gp", ctx->scripts, sizeof(ctx->scripts)) == 0;
	if (!ctx->have_scripts)
		fprintf(stderr, "claims: no chart scripts (%s; set MB_SCRIPTS): the report will "
			"have no charts\n", ctx->scripts);
}

/* Runs gnuplot on SCRIPTS/script with expr, its output appended to
 * DIR/gnuplot.log after a "== SCRIPT PNG" line; returns its wait status,
 * or -1 when it could not be started. */
static int run_gnuplot(struct cl_ctx *ctx, const char *script, const char *png,
		       const char *expr, const char *logpath)
{
	char gp[CL_PATH + 64];
	int status = -1, fd;
	pid_t pid;

	snprintf(gp, sizeof(gp), "%s/%s", ctx->scripts, script);
	fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0)
		dprintf(fd, "== %s %s\n", script, png);
	pid = mb_gp_spawn(ctx->gnuplot, expr, gp, fd);
	if (fd >= 0)
		close(fd);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int cl_chart(struct cl_ctx *ctx, struct cl_claim *c, unsigned i, const char *script,
	     const char *data, const char *png, const char *extra, const char *caption)
{
	char pngpath[CL_PATH], datapath[CL_PATH], logpath[CL_PATH];
	char qpng[2 * CL_PATH + 3], qdata[2 * CL_PATH + 3];
	char expr[sizeof(qpng) + sizeof(qdata) + CL_CMDLEN];
	struct stat st;
	int status;

	if (i >= CL_MAXCHART)
		return -EINVAL;
	if (i >= c->nchart)
		c->nchart = i + 1;
	c->chart[i][0] = 0;
	snprintf(c->caption[i], sizeof(c->caption[i]), "%s", caption);
	snprintf(c->redraw[i], sizeof(c->redraw[i]),
		 "gnuplot -e \"data='%s/%s'; out='%s'%s%s\" scripts/%s", ctx->dir, data, png,
		 extra ? "; " : "", extra ? extra : "", script);
	if (!ctx->have_gnuplot || !ctx->have_scripts) {
		snprintf(c->caption[i], sizeof(c->caption[i]), "%s (not drawn: %s not found)",
			 caption, ctx->have_gnuplot ? "the chart scripts were" : ctx->gnuplot);
		ctx->status = MB_EXIT_FAILED;
		return -ENOENT;
	}
	cl_path(ctx, pngpath, sizeof(pngpath), png);
	cl_path(ctx, datapath, sizeof(datapath), data);
	cl_path(ctx, logpath, sizeof(logpath), "gnuplot.log");
	mb_gp_quote(qdata, sizeof(qdata), datapath);
	mb_gp_quote(qpng, sizeof(qpng), pngpath);
	snprintf(expr, sizeof(expr), "data=%s; out=%s%s%s", qdata, qpng, extra ? "; " : "",
		 extra ? extra : "");
	unlink(pngpath);
	status = run_gnuplot(ctx, script, png, expr, logpath);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) || stat(pngpath, &st) ||
	    st.st_size == 0) {
		fprintf(stderr, "claims: chart %s (%s) was not drawn; see %s\n", png, script,
			logpath);
		snprintf(c->caption[i], sizeof(c->caption[i]), "%s (not drawn: gnuplot failed, "
			 "see gnuplot.log)", caption);
		ctx->status = MB_EXIT_FAILED;
		return -EIO;
	}
	snprintf(c->chart[i], sizeof(c->chart[i]), "%s", png);
	return 0;
}
