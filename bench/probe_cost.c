/*
 * The physical limit for one target's probes: the same system calls the agent makes for a loop
 * device (realpath, statx, whether its sysfs entry exists, open O_DIRECT, BLKGETSIZE64, BLKSSZGET,
 * BLKPBSZGET, the sysfs read of dma_alignment, five request-alignment preads, five
 * buffer-alignment preads, the split-vector preadv, the read at QEMU's conclusion, the sysfs
 * reads of virt_boundary_mask, whether it is a partition, loop/dio and loop/backing_file, close),
 * in C, timed per round.
 *
 * Usage: probe_cost DEVICE ROUNDS   prints one line per round: wall and CPU (user+system of this
 * thread) nanoseconds
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static long now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int read_sysfs_int(const char *dev, const char *attr)
{
	char path[PATH_MAX], buf[PATH_MAX] = {0};
	snprintf(path, sizeof(path), "/sys/class/block/%s/%s", dev, attr);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int sysfs_exists(const char *dev, const char *attr)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/class/block/%s%s", dev, attr);
	return access(path, F_OK) == 0;
}

static int probe(const char *path, char *buf)
{
	static const int sizes[] = {1, 512, 1024, 2048, 4096};
	char real[PATH_MAX];
	struct statx stx;
	int lbs = 0;
	unsigned int pbs = 0;

	if (!realpath(path, real) || statx(AT_FDCWD, real, 0, STATX_BASIC_STATS | 0x2000, &stx) != 0)
		return -1;
	const char *name = strrchr(real, '/') + 1;
	sysfs_exists(name, "");
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return -1;
	unsigned long long bytes = 0;
	ioctl(fd, BLKGETSIZE64, &bytes);
	ioctl(fd, BLKSSZGET, &lbs);
	ioctl(fd, BLKPBSZGET, &pbs);
	read_sysfs_int(name, "queue/dma_alignment");
	for (int i = 0; i < 5; i++)
		pread(fd, buf, sizes[i], 0);
	for (int i = 0; i < 5; i++)
		pread(fd, buf + sizes[i], 4096, 0);
	struct iovec iov[2] = {{buf + 0xC00, 512}, {buf + 4096 + 0x200, 3584}};
	preadv(fd, iov, 2, 0);
	pread(fd, buf + 512, 4096, 0);
	read_sysfs_int(name, "queue/virt_boundary_mask");
	sysfs_exists(name, "/partition");
	read_sysfs_int(name, "loop/dio");
	read_sysfs_int(name, "loop/backing_file");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s DEVICE ROUNDS\n", argv[0]);
		return 2;
	}
	char *buf;
	if (posix_memalign((void **)&buf, 4096, 4 * 4096) != 0)
		return 1;
	int rounds = atoi(argv[2]);
	for (int r = 0; r < rounds; r++) {
		long start = now_ns(CLOCK_MONOTONIC), cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);
		if (probe(argv[1], buf) != 0) {
			perror(argv[1]);
			return 1;
		}
		printf("%ld %ld\n", now_ns(CLOCK_MONOTONIC) - start, now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu);
	}
	free(buf);
	return 0;
}
