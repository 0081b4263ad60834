/* Tests of `modebench run`'s options in-process (mb_opts_parse and
 * mb_run_usage, harness/run/cli.c): the defaults the README documents,
 * every option listed by --help and accepted by the parser, the help's
 * layout, and the order in which options that override each other apply.
 * The usage errors' exact text is tests/badinput.txt's (test_badinput). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base.h"
#include "iosetup.h"
#include "run.h"

/* Every option of the run command: the contract with the README's
 * "Commands" section and the scripts. Removing one breaks this list. */
static const char *const every_option[] = {
	"--workload", "--modes",       "--mode",     "--cores",    "--concurrency", "--tasks",
	"--duration", "--reps",	       "--warmup",   "--reps-max", "--ci",	    "--backend",
	"--policy",   "--smt",	       "--io-fraction", "--io-kind", "--rate",	    "--arrivals",
	"--gil",      "--timeout",     "--server",   "--file-dir", "--file-size",   "--direct",
	"--output",   "--resume",      "--trace",    "--seed",	   "--order",	    "--topology",
	"--dry-run",  "--quiet",       "--progress", "--help",      "--append",	    "--mem-policy",
	"--label",    "--mpi",      "--serve-on",
	"--runtime",  "--switch-interval",
};

static struct mb_opts opts;
static char err[MB_ERRLEN * 2];

/* Parses args (NULL-terminated, "run" first) into opts. */
static int parse(const char *const *args)
{
	int argc = 0;
	while (args[argc])
		argc++;
	return mb_opts_parse(&opts, argc, (char **)args, 0, err, sizeof(err));
}

/* mb_run_usage's text, NUL-terminated; free it. */
static char *usage_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	mb_run_usage(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

static void test_defaults(void **state)
{
	const char *const args[] = { "run", NULL };
	assert_int_equal(parse(args), 0);
	assert_int_equal(opts.nworkloads, 2);
	assert_string_equal(opts.workloads[0].name, "cpu");
	assert_string_equal(opts.workloads[1].name, "sleep");
	assert_int_equal(opts.nmodes, 4);
	assert_string_equal(opts.modes[0]->name, "sync");
	assert_string_equal(opts.modes[3]->name, "procs");
	assert_string_equal(opts.cores_spec, "pow2");
	/* C = k: no count, or the one count 0 that stands for k */
	assert_true(opts.nconc == 0 || (opts.nconc == 1 && opts.conc[0] == 0));
	assert_int_equal(opts.tasks, 0);
	assert_int_equal(opts.duration_ns, MB_NS_PER_S);
	assert_int_equal(opts.timeout_ns, 0); /* computed per run */
	assert_int_equal(opts.reps, 5);
	assert_false(opts.reps_auto);
	assert_int_equal(opts.warmup, 1);
	assert_int_equal(opts.reps_max, 30);
	assert_true(fabs(opts.ci - 0.02) < 1e-12);
	assert_int_equal(opts.nbackends, 1);
	assert_int_equal(opts.backends[0], MB_BACKEND_EPOLL);
	assert_int_equal(opts.policy, MB_POLICY_COMPACT);
	assert_false(opts.smt);
	assert_int_equal(opts.nio_fractions, 5);
	assert_true(opts.io_fractions[0] == 0 && opts.io_fractions[4] == 1);
	assert_string_equal(opts.io_kind, "sleep");
	assert_int_equal(opts.nrates, 0);
	assert_false(opts.poisson);
	assert_int_equal(opts.gil_ns, 0);
	assert_int_equal(opts.nruntimes, 1);
	assert_int_equal(opts.runtimes[0], MB_RT_C);
	assert_int_equal(opts.switch_ns, 5 * MB_NS_PER_MS);
	assert_int_equal(opts.file_size, MB_FILE_SIZE_DEFAULT);
	assert_string_equal(opts.file_dir, "");
	assert_string_equal(opts.output, "");
	assert_int_equal(opts.seed, 0);
	assert_false(opts.sequential);
	assert_int_equal(opts.progress, 0);
	assert_false(opts.quiet || opts.resume || opts.dry_run || opts.direct);
	assert_string_equal(opts.label, "");
	assert_string_equal(opts.cmdline, "modebench run");
}

/* Every option is in the help and known to the parser: alone it parses,
 * asks for its value, or fails on its own terms, never as unknown. */
static void test_every_option_listed_and_parsed(void **state)
{
	char *help = usage_text();
	for (size_t i = 0; i < MB_ARRAY_SIZE(every_option); i++) {
		const char *name = every_option[i];
		char needle[64];
		snprintf(needle, sizeof(needle), "%s ", name);
		if (strcmp(name, "--mode") && !strstr(help, needle) &&
		    !(snprintf(needle, sizeof(needle), "%s[", name), strstr(help, needle)))
			fail_msg("%s is not in the help", name);
		const char *const args[] = { "run", name, NULL };
		int rc = parse(args);
		if (rc < 0 && strstr(err, "unknown option"))
			fail_msg("%s: %s", name, err);
	}
	/* and the help lists nothing else */
	for (const char *s = strstr(help, "  --"); s; s = strstr(s + 1, "  --")) {
		char name[64];
		size_t n = strcspn(s + 2, " [\n");
		snprintf(name, sizeof(name), "%.*s", (int)n, s + 2);
		bool known = false;
		for (size_t i = 0; i < MB_ARRAY_SIZE(every_option); i++)
			known |= !strcmp(name, every_option[i]);
		if (!known)
			fail_msg("the help lists %s, which test_opts does not know", name);
	}
	free(help);
}

/* Lines under 80 columns; each option's line starts with "  -X, --" or
 * "      --", its continuation lines with blanks up to the description
 * column. */
static void test_help_layout(void **state)
{
	char *help = usage_text();
	unsigned lines = 0;
	assert_true(!strncmp(help, "usage: modebench run [options]\n", 31));
	for (char *line = strchr(help, '\n') + 1; *line; lines++) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		size_t len = (size_t)(nl - line);
		if (len >= 80)
			fail_msg("help line over 79 columns: %.*s", (int)len, line);
		bool option = !strncmp(line, "  -", 3) || !strncmp(line, "      --", 8);
		if (!option && strspn(line, " ") != 26)
			fail_msg("help line neither an option nor a continuation: %.*s", (int)len,
				 line);
		line = nl + 1;
	}
	assert_true(lines >= MB_ARRAY_SIZE(every_option) - 1);
	free(help);
}

/* The parse's answers: help, and options that override one another in
 * the order given. */
static void test_overrides(void **state)
{
	const char *const help[] = { "run", "-w", "cpu", "--help", "--bogus", NULL };
	assert_int_equal(parse(help), 1);

	/* -n replaces the default duration; -n and -d together are a
	 * usage error (issue 10), in either order */
	const char *const n[] = { "run", "-n", "10", NULL };
	assert_int_equal(parse(n), 0);
	assert_int_equal(opts.tasks, 10);
	assert_int_equal(opts.duration_ns, 0);

	const char *const nd[] = { "run", "-n", "10", "-d", "2s", NULL };
	assert_int_equal(parse(nd), -EINVAL);
	assert_non_null(strstr(err, "-n/--tasks and -d/--duration"));

	const char *const dn[] = { "run", "-d", "2s", "--tasks", "10", NULL };
	assert_int_equal(parse(dn), -EINVAL);
	assert_non_null(strstr(err, "-n/--tasks and -d/--duration"));

	const char *const dd[] = { "run", "-d", "2s", "-d", "3s", NULL };
	assert_int_equal(parse(dd), 0);
	assert_int_equal(opts.tasks, 0);
	assert_int_equal(opts.duration_ns, 3 * MB_NS_PER_S);

	const char *const quiet[] = { "run", "-q", "--progress", "always", NULL };
	assert_int_equal(parse(quiet), 0);
	assert_true(opts.quiet);
	assert_int_equal(opts.progress, 1);

	const char *const reps[] = { "run", "-r", "9", "-r", "auto", "--reps-max", "12", NULL };
	assert_int_equal(parse(reps), 0);
	assert_true(opts.reps_auto);
	assert_int_equal(opts.reps, 5); /* auto starts at 5 */
	assert_int_equal(opts.reps_max, 12);

	const char *const lists[] = { "run",	    "--backend", "io_uring", "--backend",
				      "epoll,io_uring", "-C",	   "4",	       "-C",
				      "k,8",	    "--gil",	 "-m",	       "threads",
				      NULL };
	assert_int_equal(parse(lists), 0);
	assert_int_equal(opts.nbackends, 2);
	assert_int_equal(opts.backends[0], MB_BACKEND_EPOLL);
	assert_int_equal(opts.nconc, 2);
	assert_int_equal(opts.conc[0], 0);
	assert_int_equal(opts.conc[1], 8);
	assert_int_equal(opts.gil_ns, 5 * MB_NS_PER_MS);
	assert_int_equal(opts.nmodes, 1);

	const char *const alias[] = { "run", "--mode", "async", "--gil=2ms", NULL };
	assert_int_equal(parse(alias), 0);
	assert_int_equal(opts.nmodes, 1);
	assert_string_equal(opts.modes[0]->name, "async");
	assert_int_equal(opts.gil_ns, 2 * MB_NS_PER_MS);
}

/* --label: 1 to 64 printable characters, UTF-8; commas, quotes and
 * blanks are the CSV writer's to quote. Control characters (C0, DEL, C1),
 * bytes that are not UTF-8, an empty or a longer name are usage errors
 * naming the option. */
static void test_label(void **state)
{
	char longest[4 * MB_LABEL_CHARS + 2], over[MB_LABEL_CHARS + 2];
	size_t n = 0;
	for (unsigned i = 0; i < MB_LABEL_CHARS; i++)
		n += (size_t)snprintf(longest + n, sizeof(longest) - n, "%s",
				      i % 2 ? "\xc3\xbc" : "\xf0\x9f\x94\xa5"); /* ü, 🔥 */
	memset(over, 'x', MB_LABEL_CHARS + 1);
	over[MB_LABEL_CHARS + 1] = 0;
	const char *const good[] = { "kernel-6.8", "BIOS: SMT off, \"turbo\"", " blanks ",
				     "x", longest };
	for (size_t i = 0; i < MB_ARRAY_SIZE(good); i++) {
		const char *const args[] = { "run", "--label", good[i], NULL };
		if (parse(args))
			fail_msg("--label '%s' refused: %s", good[i], err);
		assert_string_equal(opts.label, good[i]);
	}
	const char *const bad[] = { "", over, "bios\nfast", "tab\there", "del\x7f",
				    "c1\xc2\x85", "bad\xff", "cut\xc3", "cut\xf0\x9f" };
	for (size_t i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		const char *const args[] = { "run", "--label", bad[i], NULL };
		assert_int_equal(parse(args), -EINVAL);
		assert_true(!strncmp(err, "--label: ", 9));
		assert_non_null(strstr(err, "1 to 64 printable characters"));
		assert_null(strchr(err, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option_listed_and_parsed),
		cmocka_unit_test(test_help_layout),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
