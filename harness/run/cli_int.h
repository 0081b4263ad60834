/* Internals of the run command's option parsing (cli.c): the parse in
 * progress, and the comma lists (cli_lists.c) whose items the option
 * handlers add to struct mb_opts. */
#ifndef MB_CLI_INT_H
#define MB_CLI_INT_H

#include "base.h"
#include "run.h"

/* The parse in progress. Lists whose items depend on other options
 * (mixed on --io-fraction) are kept as text and parsed after argv. */
struct cli_parse {
	struct mb_opts *o;
	char *err;
	unsigned errlen;
	const char *workloads, *modes, *fractions;
	bool in_argv;		  /* false while the defaults are applied */
	bool tasks_given, duration_given; /* -n and -d on the command line */
	bool switch_given;		  /* --switch-interval on the command line */
};

/* Writes the usage error into p->err and returns -EINVAL from the caller,
 * which has a struct cli_parse *p. */
#define CLI_FAIL(...)                                     \
	do {                                              \
		snprintf(p->err, p->errlen, __VA_ARGS__); \
		return -EINVAL;                           \
	} while (0)

/* One option of `modebench run`: the table that drives the parser, the
 * defaults, --help (cli.c) and the man page (manpage.c). */
struct run_opt {
	const char *name;  /* the long option */
	char letter;	   /* the short option, or 0 */
	int has_arg;	   /* no_argument, required_argument or optional_argument */
	const char *arg;   /* the value's name in the help */
	const char *help;  /* NULL: an alias of the entry with the same letter */
	const char *dflt;  /* applied before argv is read; "(default X)" in the help */
	const char *bare;  /* optional_argument: the value when none is given,
			    * shown as "(default X)" */
	int (*handle)(struct cli_parse *p, const char *arg);
};

extern const struct run_opt run_opts[];
extern const unsigned run_nopts;

/* Runs a comma list through fn (one of the items below, arg p); an empty
 * or overlong item gets a message naming the option when fn has not
 * written one. Returns 0 or -EINVAL. */
int cli_parse_list(struct cli_parse *p, const char *list, int (*fn)(const char *, void *),
		   const char *optname);

/* List items: each adds one value to p->o (a duplicate mode or backend
 * is dropped) or writes a usage error naming the option. */
int cli_add_workload(const char *item, void *arg);
int cli_add_mode(const char *item, void *arg);
int cli_add_conc(const char *item, void *arg);
int cli_add_backend(const char *item, void *arg);
int cli_add_runtime(const char *item, void *arg);
int cli_add_rate(const char *item, void *arg);
int cli_add_fraction(const char *item, void *arg);

#endif
