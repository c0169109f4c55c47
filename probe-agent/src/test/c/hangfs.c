/*
 * A FUSE filesystem with one file, /disk.img (1 MiB), whose reads never return: the test's stand-in
 * for a disk whose I/O hangs (dead NFS server, stuck multipath, failing drive). Killing this process
 * aborts the connection, so the stuck reader gets an error and the mount can be removed.
 *
 * With HANGFS_ROOT=hang in its environment, a stat of the mount point itself never returns either:
 * what a dead NFS server does to a stat of the volume's mount point.
 *
 * Build: gcc -o hangfs hangfs.c $(pkg-config fuse3 --cflags --libs)
 * Run:   hangfs -f -s MOUNTPOINT
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *FILE_PATH = "/disk.img";
static int hang_root;

static void hang(void)
{
	for (;;)
		pause();
}

static int hang_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		if (hang_root)
			hang();
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, FILE_PATH) == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = 1 << 20;
		return 0;
	}
	return -ENOENT;
}

static int hang_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
			struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off; (void)fi; (void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, FILE_PATH + 1, NULL, 0, 0);
	return 0;
}

static int hang_open(const char *path, struct fuse_file_info *fi)
{
	(void)fi;
	return strcmp(path, FILE_PATH) == 0 ? 0 : -ENOENT;
}

static int hang_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path; (void)buf; (void)size; (void)off; (void)fi;
	hang();
	return 0;
}

static const struct fuse_operations ops = {
	.getattr = hang_getattr,
	.readdir = hang_readdir,
	.open = hang_open,
	.read = hang_read,
};

int main(int argc, char *argv[])
{
	const char *root = getenv("HANGFS_ROOT");
	hang_root = root != NULL && strcmp(root, "hang") == 0;
	return fuse_main(argc, argv, &ops, NULL);
}
