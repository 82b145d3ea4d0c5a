/* The same facts read from NVIDIA's nvml.h (path given at build time).
 * DRA_ABI_REAL_ITEMS names the item list made for that header by
 * `gen_items.py --present-in nvml.h abi_items.h` (names it lacks become
 * DRA_ABI_ABSENT, so an older header still compiles); without it, the full
 * list. */
#include "abi_table.h"
#include <nvml.h>

const struct dra_abi_entry dra_abi_real[] = {
#ifdef DRA_ABI_REAL_ITEMS
#include DRA_ABI_REAL_ITEMS
#else
#include "abi_items.h"
#endif
    {0, 0, 0}};
