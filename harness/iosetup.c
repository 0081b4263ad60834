#include "iosetup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int mb_io_prepare(struct mb_io *io, const struct mb_opts *o, const struct mb_topo *topo,
		  const unsigned *worker_pus, unsigned nworker_pus, bool need_net,
		  bool need_file, char *err, unsigned errlen)
{
	memset(io, 0, sizeof(*io));
	io->file_fd = -1;
	return 0;
}

void mb_io_cleanup(struct mb_io *io)
{
}
