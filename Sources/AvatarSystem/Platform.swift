// libc is imported here once for the whole target.
@_exported @preconcurrency import Glibc
