#include "openblas_startup.h"

/* OpenBLAS's own call (blas_server.c); it joins the threads and marks the server down. */
extern int blas_thread_shutdown_(void);

void magpie_openblas_stop_threads(void) {
    static int stopped = 0;
    if (stopped) return;
    stopped = 1;
    blas_thread_shutdown_();
}
