#include "report.h"
__attribute__((weak)) int mb_report_main(int argc, char **argv) { return 1; }
