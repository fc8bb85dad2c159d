#include "openblas_kernels.h"

#include <stdlib.h>
#include <string.h>

// OpenBLAS's own functions, declared weak: an OpenBLAS built for one CPU only (not
// DYNAMIC_ARCH, as Debian's is) has no gotoblas_dynamic_* functions and nothing to replace.
char *openblas_get_corename(void) __attribute__((weak));
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

const char *magpie_openblas_replace_fallback_kernels(void) {
#if defined(__x86_64__)
    if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return NULL;
    if (getenv("OPENBLAS_CORETYPE") != NULL) return NULL;
    if (strcmp(openblas_get_corename(), "Prescott") != 0) return NULL;
    __builtin_cpu_init();
    const char *kernels = NULL;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl")) {
        kernels = "SkylakeX";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        kernels = "Haswell";
    }
    if (kernels == NULL) return NULL;
    setenv("OPENBLAS_CORETYPE", kernels, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    return openblas_get_corename();
#else
    return NULL;
#endif
}
