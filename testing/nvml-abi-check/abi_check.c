/*
 * abi_check: compares every struct size, field offset and enum/#define
 * value we declare in src/nvml/nvml_abi.h with NVIDIA's nvml.h. Prints one
 * line per mismatch and a summary; exits 1 on any mismatch.
 * Built only when DRA_NVML_HEADER_DIR names a directory holding nvml.h.
 */
#include <stdio.h>
#include <string.h>

#include "abi_table.h"

extern const struct dra_abi_entry dra_abi_ours[];
extern const struct dra_abi_entry dra_abi_real[];

int main(void) {
  int checked = 0, bad = 0;
  for (int i = 0; dra_abi_ours[i].name; ++i) {
    ++checked;
    if (strcmp(dra_abi_ours[i].name, dra_abi_real[i].name) != 0) {
      printf("table order mismatch at %d\n", i);
      return 2;
    }
    if (dra_abi_ours[i].value != dra_abi_real[i].value) {
      ++bad;
      printf("MISMATCH %-70s ours=%llu real=%llu\n", dra_abi_ours[i].name,
             dra_abi_ours[i].value, dra_abi_real[i].value);
    }
  }
  printf("%d passed, %d failed\n", checked - bad, bad);
  return bad ? 1 : 0;
}
