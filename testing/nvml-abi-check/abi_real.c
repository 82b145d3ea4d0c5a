/* The same facts read from NVIDIA's nvml.h (path given at build time). */
#include "abi_table.h"
#include <nvml.h>

const struct dra_abi_entry dra_abi_real[] = {
#include "abi_items.h"
    {0, 0}};
