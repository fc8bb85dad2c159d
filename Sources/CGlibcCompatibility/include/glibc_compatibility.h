#ifndef MAGPIE_GLIBC_COMPATIBILITY_H
#define MAGPIE_GLIBC_COMPATIBILITY_H

/// Nothing to call: linking this target binds the few libm symbols that glibc 2.35 gave new
/// versions (hypot, hypotf) to the versions older glibcs have, so a binary built on Debian 12
/// (glibc 2.36) starts on Amazon Linux 2023 (glibc 2.34), Lambda's provided.al2023.
int magpie_glibc_compatibility_linked(void);

#endif
