/* The shared base of modebench: small, dependency-free pieces every
 * subsystem may use, and nothing else of modebench may be below it.
 *   mb.h      common definitions: exit statuses, the clock, cache lines
 *   csvread.h reading a CSV file record by record (libcsv)
 *   parse.h   durations, sizes, counts, comma lists
 *   schema.h  the CSV columns, one X-macro list
 *   stats.h   medians, order-statistic intervals, quality flags, bootstrap
 *   html.h    the HTML escaper of the report and the claims pages
 *   http.h    the slice of HTTP/1.1 the delay service and the net step speak
 *   tools.h   the chart scripts' folder and running gnuplot
 * This is the base's one public header; the others are its parts. */
#ifndef MB_BASE_H
#define MB_BASE_H

#include "csvread.h"
#include "html.h"
#include "http.h"
#include "mb.h"
#include "parse.h"
#include "schema.h"
#include "stats.h"
#include "tools.h"

#endif
