/* The CSV schema (README, "CSV"), one X-macro list so the writer, the report's
 * reader and the tests agree on every column by construction.
 * MB_COLUMN(name, group) with group one of identity, config, result.
 * Then the values of the mode column, one list too. */
#ifndef MB_SCHEMA_H
#define MB_SCHEMA_H

#define MB_SCHEMA_VERSION 1

#define MB_COLUMNS(X)                                                        \
	X(schema, identity) X(run_id, identity) X(rep, identity)             \
	X(warmup, identity) X(started_at, identity) X(host, identity)        \
	X(cpu_model, identity) X(topology, identity) X(kernel, identity)     \
	X(version, identity)                                                 \
	X(workload, config) X(recipe, config) X(mode, config)                \
	X(backend, config) X(policy, config) X(cores, config)                \
	X(cpuset, config) X(workers, config) X(concurrency, config)          \
	X(rate, config) X(gil_us, config) X(work_units, config)              \
	X(status, result) X(error, result) X(tasks, result)                  \
	X(wall_s, result) X(throughput, result) X(lat_mean_us, result)       \
	X(lat_p50_us, result) X(lat_p90_us, result) X(lat_p99_us, result)    \
	X(lat_p999_us, result) X(lat_max_us, result) X(user_s, result)       \
	X(sys_s, result) X(cpu_util, result) X(ctx_vol, result)              \
	X(ctx_invol, result) X(max_rss_kb, result) X(placement_ok, result)   \
	X(outside_load, result)                                              \
	/* Extensions beyond the contract (appended, never reordered). */       \
	X(io_fraction, config) X(arrivals, config) X(svc_mean_us, result)    \
	X(svc_p50_us, result) X(svc_p99_us, result) X(svc_p999_us, result)   \
	X(bytes_per_s, result) X(server_cpus, result) X(flags, result)        \
	X(ci_pct, result)                                                    \
	/* label: a name the user gives the machine or variant (run --label);  \
	 * the report names groups by it and never pools different labels. */  \
	X(label, identity)                                                    \
	/* start_skew_us: how long after the gate opened the last worker      \
	 * started its first task (flagged above 1% of the run). */           \
	X(start_skew_us, result)                                              \
	/* mem_policy: --mem-policy of a run with mem steps; mem_nodes: the   \
	 * NUMA nodes that held their buffers' pages, "0,1". */               \
	X(mem_policy, config) X(mem_nodes, result)                           \
	/* smt: 1 when --smt placed workers on SMT siblings (cores counts PUs) */ \
	X(smt, config)                                                        \
	/* runtime: what ran the recipe, c (the engine's executors) or python \
	 * (embedded CPython, run --runtime); empty in older files means c. */ \
	X(runtime, config)                                                    \
	/* run --mpi (README, "On a cluster"): nodes, the hosts one run's     \
	 * workers spanned (1 in a fleet, empty without --mpi); ranks, the    \
	 * sweep's MPI ranks; rank_skew_us, how far apart the ranks left the  \
	 * start barrier (their clocks' readings: exact on one machine). */    \
	X(nodes, config) X(ranks, config) X(rank_skew_us, result)

enum mb_column {
#define MB_COL_ENUM(name, group) MB_COL_##name,
	MB_COLUMNS(MB_COL_ENUM)
#undef MB_COL_ENUM
	MB_NCOLUMNS
};

/* Column names in schema order, indexed by enum mb_column. */
extern const char *const mb_column_names[MB_NCOLUMNS];

/* Index of a column by name, or -1. */
int mb_column_find(const char *name);

/* The values of the mode column, in the contract's order (README, "What
 * it measures"): the order of the report's tables and charts, of the
 * engine's modes and of MODES in scripts/modes.gp (tests/report checks
 * that one). X(ID, "name"). */
#define MB_MODE_NAMES(X)                                                     \
	X(SYNC, "sync") X(ASYNC, "async") X(THREADS, "threads")               \
	X(PROCS, "procs") X(ASYNC_THREADS, "async-threads")                   \
	X(ASYNC_PROCS, "async-procs")

enum mb_mode_name {
#define MB_MODE_NAME_ENUM(id, name) MB_MODE_NAME_##id,
	MB_MODE_NAMES(MB_MODE_NAME_ENUM)
#undef MB_MODE_NAME_ENUM
	MB_NMODE_NAMES
};

/* Mode names in that order, indexed by enum mb_mode_name. */
extern const char *const mb_mode_names[MB_NMODE_NAMES];

/* Position of a mode name in mb_mode_names, or -1 (also for NULL). */
int mb_mode_name_index(const char *name);

#endif
