/* A shared library that is not NVML: it lacks nvmlInit_v2. Used by
 * dl_library_test to check the load error. */
int nvmlShutdown(void) { return 0; }
