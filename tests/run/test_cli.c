/* Tests of the command line (the README's exit statuses): the built binary
 * ($MODEBENCH) runs in a fresh temporary directory. A usage error exits 2
 * with exactly one line on stderr naming the option, nothing on stdout and
 * no file created; the dry run and a tiny real run succeed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "schema.h"
#include "testutil.h"
#include "topo.h"

#define MAX_ARGS 48
#define RUN_TIMEOUT_S 120

struct proc {
	int status; /* exit status, or 128 + signal */
	char *out, *err;
	size_t outlen, errlen;
};

struct tmp {
	char dir[256];
};

static const char *modebench(void)
{
	const char *m = getenv("MODEBENCH");
	return m && *m ? m : NULL;
}

static int setup_tmp(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/mbcliXXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown_tmp(void **state)
{
	struct tmp *t = *state;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static char *slurp(FILE *f, size_t *len)
{
	long n;
	fflush(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* Runs modebench with args (NULL-terminated) in cwd, stdin from /dev/null,
 * stdout and stderr captured in unlinked temporary files outside cwd. */
static void run_mb(const char *cwd, const char *const *args, struct proc *p)
{
	const char *bin = modebench();
	const char *argv[MAX_ARGS + 2];
	unsigned n = 0;
	argv[n++] = bin;
	for (; args[n - 1] && n < MAX_ARGS; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;

	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || dup2(fileno(out), 1) < 0 ||
		    dup2(fileno(err), 2) < 0 || chdir(cwd) != 0)
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int st = 0;
	time_t t0 = time(NULL);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		assert_true(w == 0 || errno == EINTR);
		if (time(NULL) - t0 > RUN_TIMEOUT_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			print_error("modebench %s ... ran over %d s: killed\n", args[0],
				    RUN_TIMEOUT_S);
			break;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	p->out = slurp(out, &p->outlen);
	p->err = slurp(err, &p->errlen);
	fclose(out);
	fclose(err);
}

static void proc_free(struct proc *p)
{
	free(p->out);
	free(p->err);
}

/* Names of the entries in dir other than . and .., comma-joined. */
static unsigned dir_entries(const char *dir, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;
	size_t pos = 0;
	assert_non_null(d);
	names[0] = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (pos < len)
			pos += (size_t)snprintf(names + pos, len - pos, "%s%s", n ? "," : "",
						e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void describe(const char *const *args, char *buf, size_t len)
{
	size_t pos = 0;
	buf[0] = 0;
	for (unsigned i = 0; args[i] && pos < len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? " " : "", args[i]);
}

/* ---- usage errors */

/* Options that make any run that slips through tiny, and name an -o file
 * that must not appear. A bad option given after them wins. */
#define SAFE "-w", "cpu:1", "-m", "sync", "-c", "1", "-n", "1", "-r", "1", "--warmup", "0", \
	     "-q", "--progress", "never", "-o", "out.csv"

struct usage_case {
	const char *args[MAX_ARGS];
	const char *names; /* the stderr line must contain this */
};

static const struct usage_case usage_cases[] = {
	{ { "run", SAFE, "--bogus-option", NULL }, "--bogus-option" },
	{ { "run", SAFE, "-m", "bogus", NULL }, "--modes" },
	{ { "run", SAFE, "-m", "sync,,threads", NULL }, "--modes" },
	{ { "run", SAFE, "-w", "bogus:1", NULL }, "--workload" },
	{ { "run", SAFE, "-w", "nonesuch", NULL }, "--workload" },
	{ { "run", SAFE, "-w", "cpu:1+", NULL }, "--workload" },
	{ { "run", SAFE, "-w", "(sleep:1ms|sleep:2ms", NULL }, "--workload" },
	{ { "run", SAFE, "-w", "sleep:10", NULL }, "--workload" },
	{ { "run", SAFE, "-w", "", NULL }, "--workload" },
	{ { "run", SAFE, "-d", "10", NULL }, "--duration" },
	{ { "run", SAFE, "-d", "-1s", NULL }, "--duration" },
	{ { "run", SAFE, "-d", "0s", NULL }, "--duration" },
	{ { "run", SAFE, "-n", "0", NULL }, "--tasks" },
	{ { "run", SAFE, "-n", "-5", NULL }, "--tasks" },
	{ { "run", SAFE, "-r", "0", NULL }, "--reps" },
	{ { "run", SAFE, "-C", "0", NULL }, "--concurrency" },
	{ { "run", SAFE, "-C", "-3", NULL }, "--concurrency" },
	{ { "run", SAFE, "-C", "1,,2", NULL }, "--concurrency" },
	{ { "run", SAFE, "-c", "999", NULL }, "--cores" },
	{ { "run", SAFE, "-c", "0", NULL }, "--cores" },
	{ { "run", SAFE, "-c", "abc", NULL }, "--cores" },
	{ { "run", SAFE, "--policy", "bogus", NULL }, "--policy" },
	{ { "run", SAFE, "--backend", "bogus", NULL }, "--backend" },
	{ { "run", SAFE, "--io-fraction", "1.5", NULL }, "--io-fraction" },
	{ { "run", SAFE, "--io-fraction", "-0.5", NULL }, "--io-fraction" },
	{ { "run", SAFE, "--rate", "abc", NULL }, "--rate" },
	{ { "run", SAFE, "--rate", "0", NULL }, "--rate" },
	{ { "run", SAFE, "--rate", "-100", NULL }, "--rate" },
	{ { "run", SAFE, "--gil=abc", NULL }, "--gil" },
	{ { "run", SAFE, "--progress", "bogus", NULL }, "--progress" },
	{ { "run", SAFE, "--topology", "pack:2 numa:1 l3:2 core:8 pu:2", NULL }, "--topology" },
	{ { "run", SAFE, "extra-argument", NULL }, "extra-argument" },
	{ { "bogus-command", NULL }, "bogus-command" },
	{ { "list", "extra", NULL }, "list" },
	{ { "topo", "--policy", "bogus", NULL }, "--policy" },
};

static void check_usage_error(const char *dir, const char *const *args, const char *names,
			      const char *keep)
{
	struct proc p;
	char what[512], files[512];
	describe(args, what, sizeof(what));
	run_mb(dir, args, &p);

	const char *nl = memchr(p.err, '\n', p.errlen);
	bool one_line = p.errlen > 1 && nl == p.err + p.errlen - 1;
	unsigned nfiles = dir_entries(dir, files, sizeof(files));
	bool files_ok = keep ? (nfiles == 1 && !strcmp(files, keep)) : nfiles == 0;
	if (p.status != 2 || !one_line || !strstr(p.err, names) || p.outlen || !files_ok)
		print_error("modebench %s\n  exit %d (expected 2)\n  stderr: '%s'\n  stdout "
			    "(%zu bytes): '%.200s'\n  files: '%s'\n",
			    what, p.status, p.err, p.outlen, p.out, files);
	assert_int_equal(p.status, 2);
	assert_true(one_line);
	assert_non_null(strstr(p.err, names));
	assert_int_equal(p.outlen, 0);
	assert_true(files_ok);
	proc_free(&p);
}

static void test_usage_errors(void **state)
{
	struct tmp *t = *state;
	if (!modebench())
		skip();
	unsigned failed = 0;
	for (unsigned i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++) {
		/* each case checked on its own so one failure does not hide the
		 * others; failures are listed, then the test fails */
		struct proc p;
		char what[512], files[512];
		const struct usage_case *c = &usage_cases[i];
		describe(c->args, what, sizeof(what));
		run_mb(t->dir, c->args, &p);
		const char *nl = memchr(p.err, '\n', p.errlen);
		bool one_line = p.errlen > 1 && nl == p.err + p.errlen - 1;
		unsigned nfiles = dir_entries(t->dir, files, sizeof(files));
		if (p.status != 2 || !one_line || !strstr(p.err, c->names) || p.outlen ||
		    nfiles) {
			print_error("FAIL: modebench %s\n  exit %d (expected 2)\n  stderr: '%s'\n"
				    "  stdout (%zu bytes): '%.120s'\n  files created: '%s'\n",
				    what, p.status, p.err, p.outlen, p.out, files);
			failed++;
			char cmd[400];
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", t->dir);
			assert_int_equal(system(cmd), 0);
		}
		proc_free(&p);
	}
	assert_int_equal(failed, 0);
}

/* topo validates --cores: the plan is not printed for a count it cannot
 * place (kept apart from the table: the topology printout must not come
 * before the error). */
static void test_usage_topo_cores(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "topo", "--cores", "999", NULL };
	if (!modebench())
		skip();
	check_usage_error(t->dir, args, "--cores", NULL);
}

static void test_foreign_output_refused(void **state)
{
	struct tmp *t = *state;
	static const char foreign[] = "name,value\nalpha,1\nbeta,2\n";
	static const char *const args[] = { "run", "-w", "cpu:1", "-m", "sync", "-c", "1",
					    "-n", "1", "-r", "1", "--warmup", "0", "-q",
					    "-o", "foreign.csv", NULL };
	char path[400];
	if (!modebench())
		skip();
	snprintf(path, sizeof(path), "%s/foreign.csv", t->dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(foreign, 1, sizeof(foreign) - 1, f), sizeof(foreign) - 1);
	assert_int_equal(fclose(f), 0);

	check_usage_error(t->dir, args, "-o", "foreign.csv");

	/* the file is byte for byte what it was */
	f = fopen(path, "rb");
	assert_non_null(f);
	size_t len;
	char *now = slurp(f, &len);
	fclose(f);
	assert_int_equal(len, sizeof(foreign) - 1);
	assert_memory_equal(now, foreign, len);
	free(now);
}

/* ---- outputs are never written through a symbolic link (issue 11) */

/* Whether dir holds exactly the entries of want (comma-separated, any
 * order). */
static bool dir_holds(const char *dir, const char *want)
{
	char names[512], w[256], *save, *tok;
	unsigned n = dir_entries(dir, names, sizeof(names)), nwant = 0;
	snprintf(w, sizeof(w), "%s", want);
	for (tok = strtok_r(w, ",", &save); tok; tok = strtok_r(NULL, ",", &save), nwant++) {
		char needle[300], hay[520];
		snprintf(needle, sizeof(needle), ",%s,", tok);
		snprintf(hay, sizeof(hay), ",%s,", names);
		if (!strstr(hay, needle))
			return false;
	}
	return n == nwant;
}

/* args exit 2 with one line on stderr naming names, nothing on stdout, and
 * leave dir holding exactly files. */
static void check_refused(const char *dir, const char *const *args, const char *names,
			  const char *files)
{
	struct proc p;
	char what[512], now[512];
	describe(args, what, sizeof(what));
	run_mb(dir, args, &p);
	const char *nl = memchr(p.err, '\n', p.errlen);
	bool one_line = p.errlen > 1 && nl == p.err + p.errlen - 1;
	bool files_ok = dir_holds(dir, files);
	if (p.status != 2 || !one_line || !strstr(p.err, names) || p.outlen || !files_ok) {
		dir_entries(dir, now, sizeof(now));
		print_error("modebench %s\n  exit %d (expected 2)\n  stderr: '%s'\n  stdout: "
			    "'%.200s'\n  files: '%s' (expected '%s')\n",
			    what, p.status, p.err, p.out, now, files);
	}
	assert_int_equal(p.status, 2);
	assert_true(one_line);
	assert_non_null(strstr(p.err, names));
	assert_int_equal(p.outlen, 0);
	assert_true(files_ok);
	proc_free(&p);
}

static void make_link(const struct tmp *t, const char *target, const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	assert_int_equal(symlink(target, path), 0);
}

static void make_file(const struct tmp *t, const char *name, const char *content)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
	assert_int_equal(fclose(f), 0);
}

static off_t file_size(const struct tmp *t, const char *name)
{
	char path[400];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_size;
}

#define TINY "run", "-w", "cpu:1", "-m", "sync", "-c", "1", "-n", "1", "-r", "1", \
	     "--warmup", "0", "-q", "--progress", "never"

/* -o a dangling link: its target is not created. */
static void test_output_dangling_link(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { TINY, "-o", "out.csv", NULL };
	if (!modebench())
		skip();
	make_link(t, "target.csv", "out.csv");
	check_refused(t->dir, args, "-o out.csv: is a symbolic link", "out.csv");
}

/* -o a link to an empty file: the file stays empty. */
static void test_output_link_to_empty_file(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { TINY, "-o", "out.csv", NULL };
	if (!modebench())
		skip();
	make_file(t, "empty.csv", "");
	make_link(t, "empty.csv", "out.csv");
	check_refused(t->dir, args, "-o out.csv: is a symbolic link", "out.csv,empty.csv");
	assert_int_equal(file_size(t, "empty.csv"), 0);
}

/* The meta file beside -o a dangling link: no CSV either. */
static void test_meta_link(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { TINY, "-o", "out.csv", NULL };
	if (!modebench())
		skip();
	make_link(t, "elsewhere.csv", "out.meta.csv");
	check_refused(t->dir, args, "out.meta.csv is a symbolic link", "out.meta.csv");
}

/* --trace a link (dangling, or to a file): nothing written or created. */
static void test_trace_link(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { TINY, "-o", "out.csv", "--trace", "t.csv", NULL };
	if (!modebench())
		skip();
	make_link(t, "target.csv", "t.csv");
	check_refused(t->dir, args, "--trace t.csv: is a symbolic link", "t.csv");
	make_file(t, "target.csv", "");
	check_refused(t->dir, args, "--trace t.csv: is a symbolic link", "t.csv,target.csv");
	assert_int_equal(file_size(t, "target.csv"), 0);
}

/* ---- --trace FILE: new or empty, or --append (issue 12) */

static char *read_whole(const struct tmp *t, const char *name, size_t *len)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = slurp(f, len);
	fclose(f);
	return buf;
}

static unsigned count_str(const char *s, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void run_ok(const struct tmp *t, const char *const *args)
{
	struct proc p;
	run_mb(t->dir, args, &p);
	if (p.status != 0)
		print_error("exit %d, stderr '%s'\n", p.status, p.err);
	assert_int_equal(p.status, 0);
	proc_free(&p);
}

static void test_trace_new_refused_appended(void **state)
{
	struct tmp *t = *state;
	static const char *const trace[] = { TINY, "-o", "out.csv", "--trace", "t.csv", NULL };
	static const char *const append[] = { TINY, "-o", "out.csv", "--trace", "t.csv",
					      "--append", NULL };
	size_t len1, len2, len3;
	if (!modebench())
		skip();
	/* an existing empty file is taken as a new one */
	make_file(t, "t.csv", "");
	run_ok(t, trace);
	char *first = read_whole(t, "t.csv", &len1);
	assert_true(len1 > 0);
	assert_int_equal(count_str(first, "label,worker"), 1);

	/* a second sweep into it is refused: nothing written anywhere */
	size_t csvlen1, csvlen2;
	free(read_whole(t, "out.csv", &csvlen1));
	check_refused(t->dir, trace, "--trace t.csv: the file exists and is not empty; add "
		      "--append", "out.csv,out.meta.csv,t.csv");
	char *same = read_whole(t, "t.csv", &len2);
	assert_int_equal(len2, len1);
	assert_memory_equal(same, first, len1);
	free(read_whole(t, "out.csv", &csvlen2));
	assert_int_equal(csvlen2, csvlen1);

	/* --append adds this sweep's events under the one header */
	run_ok(t, append);
	char *both = read_whole(t, "t.csv", &len3);
	assert_true(len3 > len1);
	assert_memory_equal(both, first, len1);
	assert_int_equal(count_str(both, "label,worker"), 1);
	free(first);
	free(same);
	free(both);
}

/* --append with a file that does not exist yet creates it. */
static void test_trace_append_creates(void **state)
{
	struct tmp *t = *state;
	static const char *const append[] = { TINY, "-o", "out.csv", "--trace", "new.csv",
					      "--append", NULL };
	size_t len;
	if (!modebench())
		skip();
	run_ok(t, append);
	char *tr = read_whole(t, "new.csv", &len);
	assert_int_equal(count_str(tr, "label,worker"), 1);
	free(tr);
}

/* ---- help, version and the man page (issue 12) */

static const char *const commands[] = { "run", "report", "topo", "list", "serve", "claims" };

static void test_version(void **state)
{
	struct tmp *t = *state;
	static const char *const v[] = { "-V", NULL }, *const version[] = { "--version", NULL };
	struct proc a, b;
	if (!modebench())
		skip();
	run_mb(t->dir, v, &a);
	run_mb(t->dir, version, &b);
	assert_int_equal(a.status, 0);
	assert_int_equal(b.status, 0);
	assert_true(!strncmp(a.out, "modebench ", 10));
	assert_string_equal(a.out, b.out);
	assert_int_equal(a.errlen + b.errlen, 0);
	proc_free(&a);
	proc_free(&b);
}

/* `help COMMAND` and `COMMAND --help` print the same usage, for every
 * command, and create nothing. */
static void test_help_every_command(void **state)
{
	struct tmp *t = *state;
	char files[512];
	if (!modebench())
		skip();
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *const help[] = { "help", commands[i], NULL };
		const char *const flag[] = { commands[i], "--help", NULL };
		char want[64];
		struct proc a, b;
		run_mb(t->dir, help, &a);
		run_mb(t->dir, flag, &b);
		snprintf(want, sizeof(want), "usage: modebench %s", commands[i]);
		if (a.status || b.status || strncmp(a.out, want, strlen(want)) ||
		    strcmp(a.out, b.out) || a.errlen || b.errlen)
			fail_msg("%s: help %d '%.80s' / --help %d '%.80s', stderr '%s%s'",
				 commands[i], a.status, a.out, b.status, b.out, a.err, b.err);
		proc_free(&a);
		proc_free(&b);
	}
	assert_int_equal(dir_entries(t->dir, files, sizeof(files)), 0);
}

/* The long options of --help's lines ("  -w, --workload LIST",
 * "      --smt ...") in order, one per line of names. */
static void help_options(const char *help, char *names, size_t len)
{
	size_t pos = 0;
	names[0] = 0;
	for (const char *l = help; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *o = !strncmp(l, "  -", 3) && l[4] == ',' ? l + 6 :
				!strncmp(l, "      --", 8)		 ? l + 6 : NULL;
		if (!o)
			continue;
		size_t n = strcspn(o, " [\n");
		pos += (size_t)snprintf(names + pos, len - pos, "%.*s\n", (int)n, o);
	}
}

/* The long options of the man page's OPTIONS section: the \-\-NAME
 * after each .TP, unescaped. */
static void man_options(const char *man, char *names, size_t len)
{
	const char *sec = strstr(man, "\n.SH OPTIONS\n");
	size_t pos = 0;
	names[0] = 0;
	assert_non_null(sec);
	const char *end = strstr(sec + 1, "\n.SH ");
	assert_non_null(end);
	for (const char *tp = strstr(sec, "\n.TP\n"); tp && tp < end;
	     tp = strstr(tp + 1, "\n.TP\n")) {
		const char *o = strstr(tp + 5, "\\-\\-");
		assert_non_null(o);
		o += 4;
		pos += (size_t)snprintf(names + pos, len - pos, "--");
		for (; *o && *o != '\\' && *o != ' ' && *o != '[' && *o != '\n'; o++)
			pos += (size_t)snprintf(names + pos, len - pos, "%c", *o);
		while (!strncmp(o, "\\-", 2)) { /* a hyphen inside the name */
			pos += (size_t)snprintf(names + pos, len - pos, "-");
			for (o += 2; *o && *o != '\\' && *o != ' ' && *o != '[' && *o != '\n'; o++)
				pos += (size_t)snprintf(names + pos, len - pos, "%c", *o);
		}
		pos += (size_t)snprintf(names + pos, len - pos, "\n");
	}
}

static void test_man_options_match_help(void **state)
{
	struct tmp *t = *state;
	static const char *const man[] = { "help", "--man", NULL };
	static const char *const help[] = { "run", "--help", NULL };
	char from_man[4096], from_help[4096], built[600];
	struct proc m, h;
	if (!modebench())
		skip();
	run_mb(t->dir, man, &m);
	run_mb(t->dir, help, &h);
	assert_int_equal(m.status, 0);
	assert_int_equal(h.status, 0);
	assert_true(!strncmp(m.out, ".\\\"", 3));
	assert_non_null(strstr(m.out, "\n.TH MODEBENCH 1 "));
	man_options(m.out, from_man, sizeof(from_man));
	help_options(h.out, from_help, sizeof(from_help));
	if (strcmp(from_man, from_help))
		fail_msg("the man page's OPTIONS:\n%s\nare not run --help's:\n%s", from_man,
			 from_help);
	assert_non_null(strstr(from_help, "--workload\n"));
	assert_non_null(strstr(from_help, "--append\n"));
	/* every other command's help is in it */
	for (unsigned i = 1; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char ss[64];
		snprintf(ss, sizeof(ss), "\n.SS \"modebench %s\"\n", commands[i]);
		if (!strstr(m.out, ss))
			fail_msg("no section for %s in the man page", commands[i]);
	}
	/* the build's modebench.1, beside the binary, is this page */
	snprintf(built, sizeof(built), "%s.1", modebench());
	FILE *f = fopen(built, "rb");
	if (f) {
		size_t len;
		char *page = slurp(f, &len);
		fclose(f);
		assert_int_equal(len, m.outlen);
		assert_memory_equal(page, m.out, len);
		free(page);
	} else {
		print_message("%s: not built (no man page to compare)\n", built);
	}
	proc_free(&m);
	proc_free(&h);
}

/* groff reads the page without a warning (-ww). */
static void test_man_page_groff(void **state)
{
	struct tmp *t = *state;
	char cmd[2400];
	if (!modebench())
		skip();
	if (system("groff -v >/dev/null 2>&1") != 0) {
		print_message("groff is not installed: the man page's roff is not checked\n");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "'%s' help --man > '%s/m.1' && groff -man -Tutf8 -ww -z "
		 "'%s/m.1' 2> '%s/warnings' && test ! -s '%s/warnings'", modebench(), t->dir,
		 t->dir, t->dir, t->dir);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/warnings' >&2", t->dir);
		(void)!system(cmd);
		fail_msg("groff warns about the man page");
	}
}

/* ---- successful commands */

static unsigned this_machine_cores(void)
{
	struct mb_topo *topo;
	char err[256];
	if (mb_topo_load(&topo, NULL, err, sizeof(err)))
		return 0;
	unsigned n = mb_topo_slots(topo, false);
	mb_topo_free(topo);
	return n;
}

/* Runs a --dry-run planning -c 1,2 on this machine (skipped with fewer
 * than 2 cores) and checks it succeeds; p holds its output. */
static void dry_run_two_cores(struct tmp *t, const char *const *args, struct proc *p)
{
	if (!modebench())
		skip();
	if (this_machine_cores() < 2) {
		print_message("this machine has fewer than 2 cores: -c 1,2 cannot be planned\n");
		skip();
	}
	run_mb(t->dir, args, p);
	if (p->status != 0)
		print_error("exit %d, stderr '%s'\n", p->status, p->err);
	assert_int_equal(p->status, 0);
}

static void test_dry_run(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run", "--dry-run", "-w", "cpu", "-m", "sync,threads",
					    "-c", "1,2", NULL };
	struct proc p;
	char files[512];
	dry_run_two_cores(t, args, &p);
	/* sync runs once at k=1; threads at k=1 and k=2 */
	assert_non_null(strstr(p.out, "run matrix: 3 configurations"));
	assert_non_null(strstr(p.out, "sync"));
	assert_non_null(strstr(p.out, "threads"));
	assert_null(strstr(p.out, "async"));
	assert_int_equal(dir_entries(t->dir, files, sizeof(files)), 0);
	proc_free(&p);
}

/* -C k: as many tasks in flight as the run's cores (1 for async). */
static void test_dry_run_conc_k(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run", "--dry-run", "-w", "cpu", "-m",
					    "sync,async,threads", "-c", "1,2", "-C", "k,8", NULL };
	struct proc p;
	char files[512];
	dry_run_two_cores(t, args, &p);
	/* sync C=1; async C=1 and 8; threads k=1 C=1 and 8, k=2 C=2 and 8 */
	assert_non_null(strstr(p.out, "run matrix: 7 configurations"));
	static const char *const rows[] = {
		"sync          none        1      1       1  0\n",
		"async         epoll       1      1       1  0\n",
		"async         epoll       1      8       1  0\n",
		"threads       none        1      1       1  0\n",
		"threads       none        1      8       8  0\n",
		"threads       none        2      2       2  0,1\n",
		"threads       none        2      8       8  0,1\n",
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strstr(p.out, rows[i]))
			fail_msg("no row '%.40s...' in the matrix:\n%s", rows[i], p.out);
	assert_int_equal(dir_entries(t->dir, files, sizeof(files)), 0);
	proc_free(&p);
}

static void test_dry_run_synthetic_topology(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run",     "--dry-run", "--topology",
					    "pack:2 numa:1 l3:2 core:8 pu:2",
					    "-c",      "1-32",	    "--policy",
					    "scatter", "-m",	    "threads",
					    "-w",      "cpu",	    NULL };
	struct proc p;
	char files[512];
	if (!modebench())
		skip();
	run_mb(t->dir, args, &p);
	if (p.status != 0)
		print_error("exit %d, stderr '%s'\n", p.status, p.err);
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(p.out, "run matrix: 32 configurations"));
	/* the scatter plan of test_topo.c: packages, then L3s, alternate */
	assert_non_null(strstr(p.out, " 0,32,16,48\n"));
	assert_non_null(strstr(p.out, " 0,32,16,48,2,34,18,50\n"));
	assert_int_equal(dir_entries(t->dir, files, sizeof(files)), 0);
	proc_free(&p);
}

/* Hundreds of workers: the dry run states what each worker holds and what
 * they hold together, for the largest configuration; 20,000 threads on a
 * 256-PU machine stay under 128 KiB each, and the total is that times
 * 20,000 (under 2.5 GiB), thread stacks reserved apart. */
static void test_dry_run_memory_20000(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run", "--dry-run", "-C", "20000", "-m", "threads",
					    "-c", "all", "--smt", "-w", "cpu", "--topology",
					    "pack:4 numa:2 core:16 pu:2", NULL };
	struct proc p;
	double per, all;
	char unit[8], unit2[8];
	if (!modebench())
		skip();
	run_mb(t->dir, args, &p);
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(p.out, "/256pu/"));
	const char *a = strstr(p.out, "\nmemory per worker: "), *b = strstr(p.out, "\nmemory in all: ");
	if (!a || !b)
		fail_msg("no memory lines:\n%s", p.out);
	assert_int_equal(sscanf(a, "\nmemory per worker: %lf %7s", &per, unit), 2);
	assert_int_equal(sscanf(b, "\nmemory in all: %lf %7s", &all, unit2), 2);
	assert_string_equal(unit, "KiB");
	assert_string_equal(unit2, "GiB");
	assert_true(per > 0 && per < 128);
	/* three significant digits each */
	assert_true(fabs(all * 1024 * 1024 - per * 20000) < 0.01 * per * 20000);
	assert_true(all < 2.5);
	assert_non_null(strstr(p.out, " + a 256 KiB thread stack, reserved\n"));
	assert_non_null(strstr(p.out, "(largest configuration: threads k=256 C=20000, 20000 "
				      "workers)\n"));
	proc_free(&p);
}

static void test_tiny_real_run(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run", "-w",      "cpu:2", "-m", "sync,threads",
					    "-c",  "1",	      "-n",    "20", "-r",
					    "2",   "--warmup", "1",    "-o", "out.csv",
					    "-q",  NULL };
	struct proc p;
	char files[512], path[400];
	if (!modebench())
		skip();
	run_mb(t->dir, args, &p);
	if (p.status != 0)
		print_error("exit %d, stderr '%s'\n", p.status, p.err);
	assert_int_equal(p.status, 0);
	/* out.csv and its sidecar out.meta.csv (meta.h), nothing else: no
	 * results/ directory when -o is given */
	unsigned nfiles = dir_entries(t->dir, files, sizeof(files));
	if (!(nfiles == 1 && !strcmp(files, "out.csv")) &&
	    !(nfiles == 2 && (!strcmp(files, "out.csv,out.meta.csv") ||
			      !strcmp(files, "out.meta.csv,out.csv"))))
		print_error("files created: '%s'\n", files);
	assert_true(nfiles == 1 || nfiles == 2);
	assert_true(!strcmp(files, "out.csv") || !strcmp(files, "out.csv,out.meta.csv") ||
		    !strcmp(files, "out.meta.csv,out.csv"));
	proc_free(&p);

	/* read back through libcsv */
	snprintf(path, sizeof(path), "%s/out.csv", t->dir);
	struct mb_test_table tb;
	mb_test_read_csv(path, &tb);

	/* header, then (2 modes at k=1) x (1 warmup + 2 reps) = 6 rows */
	assert_int_equal(tb.nrows, 6);
	assert_int_equal(tb.ncols, MB_NCOLUMNS);
	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		assert_string_equal(tb.hdr[i], mb_column_names[i]);
	unsigned nsync = 0, nthreads = 0, nwarm = 0;
	for (unsigned r = 0; r < tb.nrows; r++) {
		assert_int_equal(tb.rowlen[r], MB_NCOLUMNS);
		char *const *row = tb.rows[r];
		if (strcmp(row[MB_COL_status], "ok"))
			print_error("row %u: status '%s' error '%s'\n", r + 1, row[MB_COL_status],
				    row[MB_COL_error]);
		assert_string_equal(row[MB_COL_status], "ok");
		assert_string_equal(row[MB_COL_tasks], "20");
		assert_string_equal(row[MB_COL_recipe], "cpu:2");
		assert_string_equal(row[MB_COL_cores], "1");
		assert_string_equal(row[MB_COL_work_units], "2");
		assert_string_equal(row[MB_COL_error], "");
		nsync += !strcmp(row[MB_COL_mode], "sync");
		nthreads += !strcmp(row[MB_COL_mode], "threads");
		nwarm += !strcmp(row[MB_COL_warmup], "1");
	}
	assert_int_equal(nsync, 3);
	assert_int_equal(nthreads, 3);
	assert_int_equal(nwarm, 2);
	mb_test_free_table(&tb);
}

/* ---- what a person reads (issue 12) */

/* The end-of-sweep summary: latencies in units, recipes whole (breakfast
 * was cut to "(sleep:3ms|sleep:5ms)+cp"); with standard error no
 * terminal, progress lines with an ETA. */
static void test_summary_and_progress_lines(void **state)
{
	struct tmp *t = *state;
	static const char *const args[] = { "run", "-w", "breakfast,sleep:1ms", "-m", "sync",
					    "-c", "1", "-n", "4", "-r", "2", "--warmup", "0",
					    "-o", "out.csv", NULL };
	struct proc p;
	if (!modebench())
		skip();
	run_mb(t->dir, args, &p);
	if (p.status)
		print_error("exit %d, stderr '%s'\n", p.status, p.err);
	assert_int_equal(p.status, 0);
	const char *hdr = strstr(p.out, "\nworkload ");
	assert_non_null(hdr);
	assert_non_null(strstr(hdr, " p50 "));
	assert_non_null(strstr(hdr, " p99 "));
	const char *bf = strstr(p.out, "\nbreakfast  (sleep:3ms|sleep:5ms)+cpu:200us ");
	const char *sl = strstr(p.out, "\ncustom     sleep:1ms ");
	if (!bf || !sl || strstr(p.out, "e+"))
		fail_msg("summary:\n%s", p.out);
	/* a sleep:1ms task takes a millisecond or more: "1.05 ms" */
	char line[256];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(sl + 1, "\n"), sl + 1);
	if (!strstr(line, " ms "))
		fail_msg("no latency in ms: '%s'", line);
	if (!strstr(p.err, "runs done (") || !strstr(p.err, ", ETA "))
		fail_msg("no progress lines on stderr:\n%s", p.err);
	assert_null(strchr(p.err, '\r'));
	proc_free(&p);
}

/* --progress never and -q: no progress lines. */
static void test_progress_never_quiet(void **state)
{
	struct tmp *t = *state;
	static const char *const never[] = { "run", "-w", "cpu:1", "-m", "sync", "-c", "1", "-n",
					     "2", "-r", "3", "--warmup", "0", "-o", "a.csv",
					     "--progress", "never", NULL };
	static const char *const quiet[] = { "run", "-w", "cpu:1", "-m", "sync", "-c", "1", "-n",
					     "2", "-r", "3", "--warmup", "0", "-o", "b.csv", "-q",
					     NULL };
	struct proc p, q;
	if (!modebench())
		skip();
	run_mb(t->dir, never, &p);
	run_mb(t->dir, quiet, &q);
	assert_int_equal(p.status, 0);
	assert_int_equal(q.status, 0);
	assert_null(strstr(p.err, "runs done"));
	assert_int_equal(q.errlen, 0);
	assert_int_equal(q.outlen, 0);
	proc_free(&p);
	proc_free(&q);
}

/* --dry-run: a recipe too long for its column is cut after a whole step,
 * and the estimated time is stated. */
static void test_dry_run_recipe_and_estimate(void **state)
{
	struct tmp *t = *state;
	static const char *const recipe =
		"sleep:1ms+cpu:100+sleep:2ms+cpu:100+sleep:3ms+cpu:100+sleep:4ms+cpu:100";
	const char *const args[] = { "run", "--dry-run", "-w", recipe, "-m", "sync", "-c", "1",
				     "-d", "2s", "-r", "3", "--warmup", "1", NULL };
	const char *const by_n[] = { "run", "--dry-run", "-w", "cpu", "-m", "sync", "-c", "1",
				     "-n", "100", NULL };
	struct proc p, q;
	if (!modebench())
		skip();
	run_mb(t->dir, args, &p);
	assert_int_equal(p.status, 0);
	const char *row = strstr(p.out, "\ncustom ");
	assert_non_null(row);
	row += strlen("\ncustom ");
	row += strspn(row, " ");
	size_t cell = strcspn(row, " \n");
	bool whole = cell == strlen(recipe) && !strncmp(row, recipe, cell);
	bool cut = cell > 4 && !strncmp(row + cell - 4, "+...", 4) &&
		   !strncmp(row, recipe, cell - 3);
	if (!whole && !cut)
		fail_msg("recipe cell '%.*s' cuts a step", (int)cell, row);
	/* 4 runs x (2 s + the stated overhead) */
	if (!strstr(p.out, "\nestimated time: 8.2 s: 4 runs x (2 s + about 0.05 s per run"))
		fail_msg("no estimate:\n%s", p.out);
	run_mb(t->dir, by_n, &q);
	assert_int_equal(q.status, 0);
	assert_non_null(strstr(q.out, "\nestimated time: unknown: "));
	proc_free(&p);
	proc_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_errors, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_usage_topo_cores, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_foreign_output_refused, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_output_dangling_link, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_output_link_to_empty_file, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_meta_link, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_trace_link, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_trace_new_refused_appended, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_trace_append_creates, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_version, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_help_every_command, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_man_options_match_help, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_man_page_groff, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dry_run, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dry_run_memory_20000, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dry_run_conc_k, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dry_run_synthetic_topology, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_tiny_real_run, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_summary_and_progress_lines, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_progress_never_quiet, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dry_run_recipe_and_estimate, setup_tmp,
						teardown_tmp),
	};
	if (!modebench())
		fprintf(stderr, "MODEBENCH is not set: the command-line tests are skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
