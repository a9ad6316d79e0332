#ifndef CSYSCALLS_H
#define CSYSCALLS_H

/// renameat2(2) with RENAME_NOREPLACE. Glibc declares renameat2 only under
/// _GNU_SOURCE, which Swift's Glibc module does not define, so the call lives
/// in csyscalls.c. Returns 0, or -1 with errno set (EEXIST when the target
/// exists; EINVAL/ENOSYS when the file system lacks the flag).
int cs_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// flock(2): Swift sees the `struct flock` type under the same name and
/// cannot call the function, so it is re-exported under another name.
int cs_flock(int fd, int operation);

// pipe2(O_CLOEXEC) needs _GNU_SOURCE: both ends close on exec, so a
// hook spawned by another thread never inherits them.
int cs_pipe_cloexec(int fds[2]);
/// ioctl(dstfd, FICLONE, srcfd): makes dstfd share srcfd's blocks copy-on-write
/// (btrfs, XFS, bcachefs). ioctl is variadic, which Swift cannot call. Returns 0,
/// or -1 with errno (EOPNOTSUPP, EXDEV, EINVAL where the file system cannot).
int cs_ficlone(int dstfd, int srcfd);

#endif
