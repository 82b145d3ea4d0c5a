/* The ABI facts of our own declarations (src/nvml/nvml_abi.h). */
#include "abi_table.h"
#include "nvml/nvml_abi.h"

const struct dra_abi_entry dra_abi_ours[] = {
#include "abi_items.h"
    {0, 0, 0}};
