/*
 * abi_check: compares every struct size, field offset and enum/#define
 * value we declare in src/nvml/nvml_abi.h with NVIDIA's nvml.h. Prints one
 * line per mismatch, one per fact the header does not declare (an older
 * header than our declarations: reported, not a failure), and a summary;
 * exits 1 on any mismatch, 2 when the tables do not line up.
 * Built only when DRA_NVML_HEADER_DIR names a directory holding nvml.h, and
 * by hack/device-check.sh.
 */
#include <stdio.h>
#include <string.h>

#include "abi_table.h"

extern const struct dra_abi_entry dra_abi_ours[];
extern const struct dra_abi_entry dra_abi_real[];

int main(void) {
  int checked = 0, bad = 0, absent = 0;
  for (int i = 0; dra_abi_ours[i].name; ++i) {
    if (dra_abi_real[i].name == NULL || strcmp(dra_abi_ours[i].name, dra_abi_real[i].name) != 0) {
      printf("table order mismatch at %d (%s)\n", i, dra_abi_ours[i].name);
      return 2;
    }
    if (dra_abi_real[i].absent) {
      ++absent;
      printf("ABSENT   %-70s ours=%llu: not declared in this nvml.h\n", dra_abi_ours[i].name,
             dra_abi_ours[i].value);
      continue;
    }
    ++checked;
    if (dra_abi_ours[i].value != dra_abi_real[i].value) {
      ++bad;
      printf("MISMATCH %-70s ours=%llu real=%llu\n", dra_abi_ours[i].name,
             dra_abi_ours[i].value, dra_abi_real[i].value);
    }
  }
  printf("%d passed, %d failed, %d not declared in this nvml.h\n", checked - bad, bad, absent);
  return bad ? 1 : 0;
}
