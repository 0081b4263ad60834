/* Machines: which runs come from one machine, and what the report calls
 * it (struct mb_report_machine). A host name alone does not say: every
 * cloud VM may be "vm", and a run CSV compared with the reference results
 * must not pool the two. A machine is (host, cpu_model, topology, label);
 * its name is the label, or the host, made unique by the short CPU model,
 * the host (for labels) or a number. Cost: O(rows x machines) to find each
 * row's machine, O(machines^2) to name them; machines are few. */
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char *field(const struct mb_report_row *r, enum mb_column c)
{
	const char *t = mb_report_text(r, c);
	return t ? t : "";
}

static int is_row_of(const struct mb_report_machine *m,
		     const struct mb_report_row *r)
{
	return !strcmp(m->host, field(r, MB_COL_host)) &&
	       !strcmp(m->cpu_model, field(r, MB_COL_cpu_model)) &&
	       !strcmp(m->topology, field(r, MB_COL_topology)) &&
	       !strcmp(m->label, field(r, MB_COL_label));
}

/* What a name starts from: the label, else the host. */
static const char *base_name(const struct mb_report_machine *m)
{
	return *m->label ? m->label : m->host;
}

static int cmp_machine(const void *pa, const void *pb)
{
	const struct mb_report_machine *a = pa, *b = pb;
	int d = strcmp(base_name(a), base_name(b));
	if (!d)
		d = strcmp(a->host, b->host);
	if (!d)
		d = strcmp(a->cpu_model, b->cpu_model);
	if (!d)
		d = strcmp(a->topology, b->topology);
	return d ? d : strcmp(a->label, b->label);
}

void mb_rep_short_cpu(char *buf, size_t len, const char *model)
{
	static const char *const drop[] = {"Intel", "AMD", "CPU", "Processor",
					   "Core", "Platinum", "Gold",
					   "Silver", "Bronze"};
	char copy[256], *save = NULL;
	size_t o = 0;
	snprintf(copy, sizeof(copy), "%s", model);
	/* "(R)", "(TM)" and "(tm)" out, in place */
	for (char *p; (p = strstr(copy, "(R)")) || (p = strstr(copy, "(TM)")) ||
		      (p = strstr(copy, "(tm)"));)
		memmove(p, strchr(p, ')') + 1, strlen(strchr(p, ')') + 1) + 1);
	buf[0] = '\0';
	for (char *w = strtok_r(copy, " \t", &save); w && o + 1 < len;
	     w = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(w, "@"))
			break;
		size_t k = 0, wl = strlen(w);
		while (k < MB_ARRAY_SIZE(drop) && strcmp(w, drop[k]))
			k++;
		if (k < MB_ARRAY_SIZE(drop) || (wl > 5 && !strcmp(w + wl - 5, "-Core")))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", w);
	}
	if (!buf[0])
		snprintf(buf, len, "%s", *model ? model : "?");
}

/* The suffix of machine m by kind: 0 its host, 1 its short CPU model. */
static void suffix(char *buf, size_t len, const struct mb_report_machine *m,
		   int kind)
{
	if (kind == 0)
		snprintf(buf, len, "%s", m->host);
	else
		mb_rep_short_cpu(buf, len, m->cpu_model);
}

/* Whether suffix kind tells the machines [i, j) apart (the host only
 * when all of them are labelled: "vm (vm)" says nothing). */
static int tells_apart(const struct mb_report_machine *m, size_t i, size_t j,
		       int kind)
{
	char a[128], b[128];
	for (size_t x = i; x < j; x++) {
		if (kind == 0 && !*m[x].label)
			return 0;
		suffix(a, sizeof(a), &m[x], kind);
		for (size_t y = i; y < x; y++) {
			suffix(b, sizeof(b), &m[y], kind);
			if (!strcmp(a, b))
				return 0;
		}
	}
	return 1;
}

/* Names of the machines [i, j), which share their base name. */
static int name_set(struct mb_report_machine *m, size_t i, size_t j)
{
	int kind = j - i == 1 ? -1 : tells_apart(m, i, j, 0) ? 0 :
		   tells_apart(m, i, j, 1) ? 1 : 2;
	for (size_t x = i; x < j; x++) {
		char sfx[128];
		int r;
		if (kind < 0 || (kind == 2 && x == i))
			r = asprintf(&m[x].name, "%s", base_name(&m[x]));
		else if (kind == 2)
			r = asprintf(&m[x].name, "%s#%zu", base_name(&m[x]), x - i + 1);
		else {
			suffix(sfx, sizeof(sfx), &m[x], kind);
			r = asprintf(&m[x].name, "%s (%s)", base_name(&m[x]), sfx);
		}
		if (r < 0) {
			m[x].name = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static int add_machine(struct mb_report_summary *s,
		       const struct mb_report_row *r)
{
	struct mb_report_machine *m =
		realloc(s->machines, (s->nmachines + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	s->machines = m;
	m[s->nmachines++] = (struct mb_report_machine){
		.host = field(r, MB_COL_host),
		.cpu_model = field(r, MB_COL_cpu_model),
		.topology = field(r, MB_COL_topology),
		.label = field(r, MB_COL_label),
		.kernel = field(r, MB_COL_kernel),
		.version = field(r, MB_COL_version),
	};
	return 0;
}

int mb_rep_machines(struct mb_report_summary *s,
		    const struct mb_report_row *const *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < s->nmachines && !is_row_of(&s->machines[k], rows[i]))
			k++;
		if (k == s->nmachines && add_machine(s, rows[i]) < 0)
			return -ENOMEM;
	}
	if (!s->nmachines)
		return 0;
	qsort(s->machines, s->nmachines, sizeof(*s->machines), cmp_machine);
	for (size_t i = 0, j; i < s->nmachines; i = j) {
		for (j = i + 1; j < s->nmachines &&
			     !strcmp(base_name(&s->machines[i]), base_name(&s->machines[j]));
		     j++)
			;
		if (name_set(s->machines, i, j) < 0)
			return -ENOMEM;
	}
	return 0;
}

const char *mb_rep_machine_name(const struct mb_report_summary *s,
				const struct mb_report_row *r)
{
	for (size_t k = 0; k < s->nmachines; k++)
		if (is_row_of(&s->machines[k], r))
			return s->machines[k].name;
	return NULL;
}
