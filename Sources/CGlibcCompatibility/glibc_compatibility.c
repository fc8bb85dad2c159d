#include "glibc_compatibility.h"

#include <features.h>

int magpie_glibc_compatibility_linked(void) { return 1; }

// glibc 2.35 exported new versions of hypot and hypotf beside the old ones. Anything linked
// against a newer glibc then needs GLIBC_2.35, and the dynamic loader of an older one refuses
// to start it. Defining the two here, as calls to the old versions, leaves no reference to the
// new ones: every caller in the executable (Foundation's among them) binds to these.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#if defined(__x86_64__)
#define MAGPIE_LIBM_BASE_VERSION "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define MAGPIE_LIBM_BASE_VERSION "GLIBC_2.17"
#endif
#endif

#ifdef MAGPIE_LIBM_BASE_VERSION
double magpie_glibc_hypot(double x, double y);
float magpie_glibc_hypotf(float x, float y);
__asm__(".symver magpie_glibc_hypot, hypot@" MAGPIE_LIBM_BASE_VERSION);
__asm__(".symver magpie_glibc_hypotf, hypotf@" MAGPIE_LIBM_BASE_VERSION);

double hypot(double x, double y) { return magpie_glibc_hypot(x, y); }
float hypotf(float x, float y) { return magpie_glibc_hypotf(x, y); }
#endif
