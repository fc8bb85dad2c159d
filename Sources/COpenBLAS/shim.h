// OpenBLAS's CBLAS interface (Debian: libopenblas-dev), and its thread-count control.
#include <cblas.h>
