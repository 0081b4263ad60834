/* Bad inputs, end to end: every case of tests/badinput.txt (options,
 * recipes, durations, sizes, counts, lists, output files, CSV files given
 * to `modebench report`) is run through the binary in a fresh, empty
 * working directory and must exit 2 with exactly one line on stderr,
 * leaving the directory as it was: no file created (an -o FILE or a
 * report -o DIR included) and every fixture copied in unchanged.
 *
 * `test_badinput --table` prints the markdown table of the README (input
 * -> the error line it gets) instead of testing; scripts/badinput-table
 * builds and runs that. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "testutil.h"

#define MAX_ARGS 64
#define MAX_FIXTURES 8
#define CASE_TIMEOUT_S 60 /* a bad input that is accepted starts a sweep */

struct fixture {
	char src[512];	/* under tests/fixtures/ */
	char name[128]; /* base name in the working directory */
	char *data;	/* content, to check it is left unchanged */
	size_t len;
};

struct bcase {
	unsigned line;
	bool known_bug;
	char *argv[MAX_ARGS + 2];
	int argc;
	struct fixture fx[MAX_FIXTURES];
	unsigned nfx;
	char comment[256];
};

struct outcome {
	int status; /* exit status, 128+N for signal N, -1 timed out */
	char err[4096];
	size_t errlen;
	unsigned lines;
	char extra[1024]; /* files the run left behind or changed */
};

static const char *bin, *srcdir;
static struct bcase *cases;
static unsigned ncases;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Splits one line of the data file into words, like a shell would for the
 * quoting this file uses. Returns false on a syntax error. */
static bool split_words(const char *s, struct bcase *c, char *why, size_t whylen)
{
	char word[4096];
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || (*s == '#' && (s[1] == ' ' || !s[1])))
			break;
		size_t n = 0;
		bool any = false;
		while (*s && *s != ' ' && *s != '\t') {
			any = true;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				if (!e) {
					snprintf(why, whylen, "unterminated '");
					return false;
				}
				memcpy(word + n, s + 1, (size_t)(e - s - 1));
				n += (size_t)(e - s - 1);
				s = e + 1;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					char ch = *s++;
					if (ch == '\\' && *s) {
						ch = *s++;
						ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch;
					}
					word[n++] = ch;
				}
				if (*s != '"') {
					snprintf(why, whylen, "unterminated \"");
					return false;
				}
				s++;
			} else {
				word[n++] = *s++;
			}
			if (n >= sizeof(word) - 1) {
				snprintf(why, whylen, "word too long");
				return false;
			}
		}
		if (!any)
			break;
		word[n] = 0;
		if (c->argc == MAX_ARGS) {
			snprintf(why, whylen, "more than %d words", MAX_ARGS);
			return false;
		}
		if (word[0] == '@') {
			if (c->nfx == MAX_FIXTURES) {
				snprintf(why, whylen, "more than %d fixtures", MAX_FIXTURES);
				return false;
			}
			struct fixture *fx = &c->fx[c->nfx++];
			const char *base = strrchr(word, '/');
			base = base ? base + 1 : word + 1;
			if (strlen(word) > 200 || strlen(srcdir) > 200) {
				snprintf(why, whylen, "fixture path too long");
				return false;
			}
			snprintf(fx->src, sizeof(fx->src), "%.200s/tests/fixtures/%.200s", srcdir,
				 word + 1);
			snprintf(fx->name, sizeof(fx->name), "%.100s", base);
			fx->data = slurp(fx->src, &fx->len);
			if (!fx->data) {
				snprintf(why, whylen, "fixture %s: %s", fx->src, strerror(errno));
				return false;
			}
			c->argv[c->argc++] = strdup(fx->name);
		} else {
			c->argv[c->argc++] = strdup(word);
		}
	}
	return true;
}

static void load_cases(void)
{
	char path[512], line[8192];
	snprintf(path, sizeof(path), "%s/tests/badinput.txt", srcdir);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	unsigned lineno = 0, cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (ncases == cap) {
			cap = cap ? 2 * cap : 64;
			cases = realloc(cases, cap * sizeof(*cases));
			assert_non_null(cases);
		}
		struct bcase *c = &cases[ncases];
		memset(c, 0, sizeof(*c));
		c->line = lineno;
		if (*p == '!') {
			c->known_bug = true;
			p++;
		}
		char *hash = strstr(p, " # ");
		if (hash) {
			char *d = hash + 3;
			while (*d == ' ')
				d++;
			snprintf(c->comment, sizeof(c->comment), "%s", d);
		}
		char why[256];
		c->argv[c->argc++] = strdup(bin);
		if (!split_words(p, c, why, sizeof(why)))
			fail_msg("%s:%u: %s", path, lineno, why);
		if (c->argc < 2)
			fail_msg("%s:%u: no arguments", path, lineno);
		c->argv[c->argc] = NULL;
		ncases++;
	}
	fclose(f);
}

static int group_setup(void **state)
{
	bin = getenv("MODEBENCH");
	srcdir = getenv("MB_SOURCE_DIR");
	if (!bin || !srcdir) {
		fprintf(stderr, "MODEBENCH and MB_SOURCE_DIR must be set (ctest sets them)\n");
		return -1;
	}
	load_cases();
	return 0;
}

static int group_teardown(void **state)
{
	for (unsigned i = 0; i < ncases; i++) {
		for (int a = 0; a < cases[i].argc; a++)
			free(cases[i].argv[a]);
		for (unsigned j = 0; j < cases[i].nfx; j++)
			free(cases[i].fx[j].data);
	}
	free(cases);
	return 0;
}

static void appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	if (n >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* Runs one case in a fresh directory and describes what happened. */
static void run_case(const struct bcase *c, struct outcome *o)
{
	char top[] = "/tmp/mb-badinput-XXXXXX", cwd[64], errpath[64];
	memset(o, 0, sizeof(*o));
	assert_non_null(mkdtemp(top));
	snprintf(cwd, sizeof(cwd), "%s/cwd", top);
	snprintf(errpath, sizeof(errpath), "%s/stderr", top);
	assert_int_equal(mkdir(cwd, 0755), 0);
	for (unsigned i = 0; i < c->nfx; i++) {
		char dst[512];
		snprintf(dst, sizeof(dst), "%s/%s", cwd, c->fx[i].name);
		FILE *f = fopen(dst, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(c->fx[i].data, 1, c->fx[i].len, f), c->fx[i].len);
		assert_int_equal(fclose(f), 0);
	}

	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		int in = open("/dev/null", O_RDONLY);
		int out = open("/dev/null", O_WRONLY);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0 || err < 0 || chdir(cwd))
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(bin, c->argv);
		_exit(127);
	}
	setpgid(pid, pid);
	int st = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= CASE_TIMEOUT_S) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			st = -1;
			break;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	o->status = st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

	char *err = slurp(errpath, &o->errlen);
	if (err) {
		size_t keep = o->errlen < sizeof(o->err) - 1 ? o->errlen : sizeof(o->err) - 1;
		memcpy(o->err, err, keep);
		o->err[keep] = 0;
		for (size_t i = 0; i < o->errlen; i++)
			o->lines += err[i] == '\n';
		if (o->errlen && err[o->errlen - 1] != '\n')
			o->lines++; /* an unterminated last line counts */
		free(err);
	}

	/* The working directory must hold the fixtures, unchanged, and
	 * nothing else. */
	DIR *d = opendir(cwd);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		const struct fixture *fx = NULL;
		for (unsigned i = 0; i < c->nfx; i++)
			if (!strcmp(c->fx[i].name, e->d_name))
				fx = &c->fx[i];
		if (!fx) {
			appendf(o->extra, sizeof(o->extra), "%s%s created", o->extra[0] ? "; " : "",
				e->d_name);
			continue;
		}
		char p[512];
		size_t len = 0;
		snprintf(p, sizeof(p), "%s/%s", cwd, e->d_name);
		char *now_data = slurp(p, &len);
		if (!now_data || len != fx->len || memcmp(now_data, fx->data, len))
			appendf(o->extra, sizeof(o->extra), "%s%s changed", o->extra[0] ? "; " : "",
				e->d_name);
		free(now_data);
	}
	closedir(d);
	for (unsigned i = 0; i < c->nfx; i++) {
		char p[512];
		struct stat sb;
		snprintf(p, sizeof(p), "%s/%s", cwd, c->fx[i].name);
		if (stat(p, &sb))
			appendf(o->extra, sizeof(o->extra), "%s%s removed", o->extra[0] ? "; " : "",
				c->fx[i].name);
	}
	mb_test_rm_rf(top);
}

static bool outcome_ok(const struct outcome *o)
{
	return o->status == 2 && o->lines == 1 && o->errlen > 1 && !o->extra[0];
}

/* Quotes a word for a POSIX shell when it needs it. */
static void shell_word(char *buf, size_t len, const char *w)
{
	bool plain = *w != 0;
	for (const char *p = w; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "0123456789-_=+:,./@%", *p) != NULL;
	if (plain) {
		appendf(buf, len, "%s", w);
		return;
	}
	if (strpbrk(w, "\n\t")) {
		appendf(buf, len, "$'");
		for (const char *p = w; *p; p++)
			appendf(buf, len, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" :
					  *p == '\'' ? "\\'" : "%c", *p);
		appendf(buf, len, "'");
		return;
	}
	appendf(buf, len, "'");
	for (const char *p = w; *p; p++)
		appendf(buf, len, *p == '\'' ? "'\\''" : "%c", *p);
	appendf(buf, len, "'");
}

/* The case as a shell command line: "modebench ARGS", quoted as needed. */
static void describe_args(const struct bcase *c, char *buf, size_t len)
{
	snprintf(buf, len, "modebench");
	for (int a = 1; a < c->argc; a++) {
		appendf(buf, len, " ");
		shell_word(buf, len, c->argv[a]);
	}
}

static void test_enough_cases(void **state)
{
	unsigned report = 0, run = 0, fixtures = 0;
	for (unsigned i = 0; i < ncases; i++) {
		report += !strcmp(cases[i].argv[1], "report");
		run += !strcmp(cases[i].argv[1], "run");
		fixtures += cases[i].nfx;
	}
	print_message("%u cases: %u run, %u report, %u with fixtures\n", ncases, run, report,
		      fixtures);
	assert_true(ncases >= 40);
	assert_true(report >= 10);
	assert_true(run >= 30);

	/* Every fixture under tests/fixtures/bad/ is used by some case. */
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/bad", srcdir);
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		bool used = false;
		for (unsigned i = 0; i < ncases && !used; i++)
			for (unsigned j = 0; j < cases[i].nfx; j++)
				used |= !strcmp(cases[i].fx[j].name, e->d_name);
		if (!used)
			fail_msg("tests/fixtures/bad/%s is not used by tests/badinput.txt", e->d_name);
	}
	closedir(d);
}

static bool is_report(const struct bcase *c)
{
	return !strcmp(c->argv[1], "report");
}

/* Runs the cases of `modebench report` (report) or all the others. */
static void check_cases(bool report)
{
	const char *strict_env = getenv("MB_BADINPUT_STRICT");
	bool strict = strict_env && !strcmp(strict_env, "1");
	unsigned failed = 0, known = 0, n = 0;
	for (unsigned i = 0; i < ncases; i++) {
		const struct bcase *c = &cases[i];
		struct outcome o;
		char args[2048];
		if (is_report(c) != report)
			continue;
		n++;
		run_case(c, &o);
		describe_args(c, args, sizeof(args));
		bool ok = outcome_ok(&o);
		if (ok && c->known_bug) {
			print_message("badinput.txt:%u: known bug fixed, drop its '!': %s\n",
				      c->line, args);
			continue;
		}
		if (ok)
			continue;
		if (c->known_bug && !strict)
			known++;
		else
			failed++;
		print_message("badinput.txt:%u: %s%s\n"
			      "    exit %d%s (want 2), %u stderr lines (want 1)%s%s\n"
			      "    stderr: %s%s",
			      c->line, c->known_bug ? "[known bug] " : "", args, o.status,
			      o.status == -1 ? " (killed: still running after the timeout)" : "",
			      o.lines, o.extra[0] ? ", " : "", o.extra, o.errlen ? o.err : "(empty)\n",
			      o.errlen && o.err[strlen(o.err) - 1] != '\n' ? "\n" : "");
	}
	print_message("%u bad inputs: %u as expected, %u failed, %u known bugs (see '!' lines)\n",
		      n, n - failed - known, failed, known);
	assert_int_equal(failed, 0);
}

static void test_bad_run_inputs(void **state)
{
	check_cases(false);
}

/* A bare `modebench report` is answered with a usage line. */
static void test_bad_report_inputs(void **state)
{
	struct bcase bare;
	struct outcome o;
	memset(&bare, 0, sizeof(bare));
	bare.argv[0] = (char *)bin;
	bare.argv[1] = (char *)"report";
	bare.argc = 2;
	run_case(&bare, &o);
	if (o.status == 1 && o.errlen == 0) {
		print_message("modebench report is not implemented yet (stub): its %s skipped\n",
			      "bad inputs are");
		skip();
	}
	check_cases(true);
}

/* ---- the README table */

/* Markdown table cell text: '|' escaped, newlines as spaces, and a word
 * longer than 60 characters (a 43-step recipe) shortened to its ends. */
static void md_cell(char *buf, size_t len, const char *s)
{
	for (const char *p = s; *p; p++) {
		size_t word = strcspn(p, " ");
		if ((p == s || p[-1] == ' ') && word > 60) {
			char head[32], tail[16];
			snprintf(head, sizeof(head), "%.28s", p);
			snprintf(tail, sizeof(tail), "%s", p + word - 12);
			md_cell(buf, len, head);
			appendf(buf, len, "...");
			md_cell(buf, len, tail);
			p += word - 1;
			continue;
		}
		if (*p == '|')
			appendf(buf, len, "\\|");
		else if (*p == '\n' || *p == '\r')
			appendf(buf, len, " ");
		else
			appendf(buf, len, "%c", *p);
	}
}

static int print_table(void)
{
	unsigned skipped = 0;
	printf("| input | error line (exit status 2) |\n|---|---|\n");
	for (unsigned i = 0; i < ncases; i++) {
		const struct bcase *c = &cases[i];
		struct outcome o;
		char cmd[4096], cell[8192] = "", errl[4096] = "";
		run_case(c, &o);
		if (!outcome_ok(&o)) {
			fprintf(stderr, "badinput.txt:%u: left out (exit %d, %u stderr lines%s%s)\n",
				c->line, o.status, o.lines, o.extra[0] ? ", " : "", o.extra);
			skipped++;
			continue;
		}
		describe_args(c, cmd, sizeof(cmd));
		/* GitHub reads \| in a table cell as |, code spans included. */
		appendf(cell, sizeof(cell), "`");
		md_cell(cell, sizeof(cell), cmd);
		appendf(cell, sizeof(cell), "`");
		if (c->comment[0]) {
			appendf(cell, sizeof(cell), " (");
			md_cell(cell, sizeof(cell), c->comment);
			appendf(cell, sizeof(cell), ")");
		}
		o.err[strcspn(o.err, "\n")] = 0;
		md_cell(errl, sizeof(errl), o.err);
		printf("| %s | `%s` |\n", cell, errl);
	}
	if (skipped)
		fprintf(stderr, "%u cases left out of the table: they did not exit 2 with one line\n",
			skipped);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--table")) {
		if (group_setup(NULL))
			return 2;
		int rc = print_table();
		group_teardown(NULL);
		return rc;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enough_cases),
		cmocka_unit_test(test_bad_run_inputs),
		cmocka_unit_test(test_bad_report_inputs),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
