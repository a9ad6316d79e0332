#define _GNU_SOURCE
#include <stdio.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "csyscalls.h"

int cs_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}

int cs_flock(int fd, int operation) { return flock(fd, operation); }

#include <unistd.h>
int cs_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int cs_ficlone(int dstfd, int srcfd) { return ioctl(dstfd, FICLONE, srcfd); }
