/* I/O targets for a sweep: the delay service (spawned, or --server) and the
 * test file. The test file is created once per size and directory, filled
 * with pseudo-random bytes (never a sparse file: reads must touch real
 * pages), written to a temporary name and renamed, so an interrupted or a
 * concurrent creation never leaves a short file under the final name. */
#include "iosetup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "serve.h"
#include "run.h"

#define FILL_CHUNK (1u << 20)

/* "HOST:PORT" (IPv4 literal or a name resolving to IPv4) into *sa. */
static int parse_server(const char *spec, struct sockaddr_in *sa, char *err, unsigned errlen)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	char *end;
	unsigned long port;

	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host))
		goto bad;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port == 0 || port > 65535 || colon[1] == '-' ||
	    colon[1] == '+')
		goto bad;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) == 1)
		return 0;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
	int rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "--server: cannot resolve '%s': %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	sa->sin_addr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
	freeaddrinfo(ai);
	return 0;
bad:
	snprintf(err, errlen, "--server: '%s' is not HOST:PORT with an IPv4 host and a port "
		 "1-65535 (e.g. 127.0.0.1:8080)", spec);
	return -EINVAL;
}

/* One connection attempt, so a wrong --server fails before any run. */
static int probe_server(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc = 0;
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		rc = -errno;
	close(fd);
	return rc;
}

static void size_name(uint64_t size, char *buf, unsigned len)
{
	if (size % (1ull << 30) == 0)
		snprintf(buf, len, "%lluGiB", (unsigned long long)(size >> 30));
	else if (size % (1ull << 20) == 0)
		snprintf(buf, len, "%lluMiB", (unsigned long long)(size >> 20));
	else if (size % 1024 == 0)
		snprintf(buf, len, "%lluKiB", (unsigned long long)(size >> 10));
	else
		snprintf(buf, len, "%lluB", (unsigned long long)size);
}

/* Writes size pseudo-random bytes to path (via path.tmp.PID). */
static int create_file(const char *path, uint64_t size, char *err, unsigned errlen)
{
	char tmp[1100];
	uint64_t x = 0x9E3779B97F4A7C15ull ^ size, done = 0;
	uint64_t *buf = malloc(FILL_CHUNK);
	int fd, rc = 0;

	if (!buf)
		return -ENOMEM;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "test file %s: %s", tmp, strerror(-rc));
		goto out;
	}
	while (done < size) {
		size_t n = size - done < FILL_CHUNK ? (size_t)(size - done) : FILL_CHUNK;
		for (size_t i = 0; i < FILL_CHUNK / 8; i++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			buf[i] = (x * 0x2545F4914F6CDD1Dull) | 0x0101010101010101ull;
		}
		for (size_t off = 0; off < n;) {
			ssize_t w = write(fd, (char *)buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = w < 0 ? -errno : -EIO;
				snprintf(err, errlen, "test file %s: write: %s", tmp, strerror(-rc));
				goto out;
			}
			off += (size_t)w;
		}
		done += n;
	}
	/* Clean pages: a later run starts from the same page-cache state
	 * whether or not it created the file. */
	if (fdatasync(fd) || rename(tmp, path)) {
		rc = -errno;
		snprintf(err, errlen, "test file %s: %s", path, strerror(-rc));
	}
out:
	if (fd >= 0) {
		close(fd);
		if (rc)
			unlink(tmp);
	}
	free(buf);
	return rc;
}

static int prepare_file(struct mb_io *io, const struct mb_opts *o, char *err, unsigned errlen)
{
	const char *dir = o->file_dir[0] ? o->file_dir : "results";
	uint64_t size = o->file_size ? o->file_size : MB_FILE_SIZE_DEFAULT;
	char name[32];
	struct stat st;
	struct statvfs vfs;
	void *probe = NULL;
	int rc;

	if (!o->file_dir[0])
		mkdir(dir, 0755);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--file-dir: '%s' is not a directory", dir);
		return -EINVAL;
	}
	size_name(size, name, sizeof(name));
	if (snprintf(io->file_path, sizeof(io->file_path), "%s/modebench-testfile-%s.dat", dir,
		     name) >= (int)sizeof(io->file_path)) {
		snprintf(err, errlen, "--file-dir: the path is too long");
		return -EINVAL;
	}
	if (stat(io->file_path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
		if (statvfs(dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < size + (64u << 20)) {
			snprintf(err, errlen, "--file-size: a %s test file does not fit in %s "
				 "(%llu MiB free)", name, dir,
				 (unsigned long long)((uint64_t)vfs.f_bavail * vfs.f_frsize >> 20));
			return -ENOSPC;
		}
		if ((rc = create_file(io->file_path, size, err, errlen)))
			return rc;
	}
	io->file_fd = open(io->file_path, O_RDONLY | O_CLOEXEC | (o->direct ? O_DIRECT : 0));
	if (io->file_fd < 0) {
		rc = -errno;
		if (o->direct && rc == -EINVAL)
			goto no_direct;
		snprintf(err, errlen, "test file %s: %s", io->file_path, strerror(-rc));
		return rc;
	}
	if (o->direct) {
		/* Some filesystems accept the flag at open and refuse the read. */
		if (posix_memalign(&probe, 4096, 4096))
			return -ENOMEM;
		rc = pread(io->file_fd, probe, 4096, 0) < 0 ? -errno : 0;
		free(probe);
		if (rc == -EINVAL)
			goto no_direct;
	}
	io->file_size = size;
	return 0;
no_direct:
	if (io->file_fd >= 0)
		close(io->file_fd);
	io->file_fd = -1;
	snprintf(err, errlen, "--direct: the filesystem holding %s does not support O_DIRECT "
		 "(tmpfs does not); pick another --file-dir or drop --direct", dir);
	return -EINVAL;
}

int mb_io_prepare(struct mb_io *io, const struct mb_opts *o, const struct mb_topo *topo,
		  const unsigned *worker_pus, unsigned nworker_pus, bool need_net,
		  bool need_file, char *err, unsigned errlen)
{
	int rc = 0;

	bool any = io->listen_any;
	memset(io, 0, sizeof(*io));
	io->listen_any = any;
	io->file_fd = -1;
	if (need_net) {
		if (o->server[0]) {
			if ((rc = parse_server(o->server, &io->server, err, errlen)))
				goto fail;
			if ((rc = probe_server(&io->server))) {
				snprintf(err, errlen, "--server %s: cannot connect: %s", o->server,
					 strerror(-rc));
				goto fail;
			}
			io->have_server = true;
			snprintf(io->server_cpus, sizeof(io->server_cpus), "external");
		} else if ((rc = mb_server_spawn(io, topo, worker_pus, nworker_pus, err, errlen))) {
			goto fail;
		}
	}
	if (need_file && (rc = prepare_file(io, o, err, errlen)))
		goto fail;
	return 0;
fail:
	mb_io_cleanup(io);
	return rc;
}

void mb_io_cleanup(struct mb_io *io)
{
	mb_server_stop(io);
	io->have_server = false;
	if (io->file_fd >= 0)
		close(io->file_fd);
	io->file_fd = -1;
}
