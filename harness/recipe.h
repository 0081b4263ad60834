/* Recipes: a task's steps. Grammar:
 *   recipe := item ('+' item)*
 *   item   := step | '(' branch ('|' branch)+ ')'
 *   branch := step ('+' step)*
 *   step   := kind ':' arg
 * A recipe is a list of stages run in order; a stage is one or more
 * branches that run concurrently in async modes and one after the other in
 * blocking modes. Groups do not nest. */
#ifndef MB_RECIPE_H
#define MB_RECIPE_H

#include <stdint.h>

#include "step.h"

#define MB_MAX_STAGES 16
#define MB_MAX_BRANCHES 8
#define MB_MAX_BSTEPS 8
#define MB_RECIPE_TEXT 256

struct mb_branch {
	unsigned nsteps;
	struct mb_step steps[MB_MAX_BSTEPS];
};

struct mb_stage {
	unsigned nbranches;
	struct mb_branch br[MB_MAX_BRANCHES];
};

struct mb_recipe {
	unsigned nstages;
	unsigned max_branches;
	struct mb_stage st[MB_MAX_STAGES];
	char text[MB_RECIPE_TEXT];
};

/* Parses text; on error writes one line naming the problem into err. */
int mb_recipe_parse(const char *text, struct mb_recipe *r, char *err, unsigned errlen);

/* Turns every cpu:DUR step into work units at units_per_sec. */
void mb_recipe_calibrate(struct mb_recipe *r, double units_per_sec);

/* CPU work units per task (the CSV's work_units). */
uint64_t mb_recipe_work_units(const struct mb_recipe *r);

/* Sum of the wait steps' nominal durations, and of the CPU steps' at the
 * given rate, for one task run one step after another (ns). */
uint64_t mb_recipe_wait_ns(const struct mb_recipe *r);

/* True when some step is of this kind. */
int mb_recipe_uses(const struct mb_recipe *r, const struct mb_step_kind *k);

/* Presets: name -> recipe text (NULL when not a preset). "mixed" depends on
 * the I/O fraction and is built by mb_preset_mixed. */
struct mb_preset {
	const char *name;
	const char *recipe;
	const char *help;
};
extern const struct mb_preset mb_presets[];
extern const unsigned mb_npresets;
const char *mb_preset_recipe(const char *name);

/* CPU units of the cpu preset (about 100 us on a current core). */
#define MB_CPU_PRESET_UNITS 200

/* The mixed preset: a task budget split into a CPU step of (1-f) x budget
 * and a wait step of f x budget, of io_kind (sleep, net or file). */
#define MB_MIXED_BUDGET_NS (1000 * 1000ull)
int mb_preset_mixed(double f, const char *io_kind, char *buf, unsigned len);

#endif
