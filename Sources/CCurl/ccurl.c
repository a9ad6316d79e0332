// The shims are static inline in ccurl.h; this file makes CCurl a C target.
#include "ccurl.h"
