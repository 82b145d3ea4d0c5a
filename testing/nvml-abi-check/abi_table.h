/*
 * abi_table.h: one ABI fact (a struct size, a field offset, or the value of
 * an enum member or #define) as a name and a number. abi_ours.c and
 * abi_real.c each build a table from abi_items.h, against our declarations
 * and against NVIDIA's nvml.h respectively; abi_check.c compares them.
 * Plain data; thread-safe.
 */
#ifndef DRA_ABI_TABLE_H_
#define DRA_ABI_TABLE_H_

#include <stddef.h>

struct dra_abi_entry {
  const char* name;
  unsigned long long value;
};

#define DRA_ABI_SIZE(t) {"sizeof(" #t ")", (unsigned long long)sizeof(t)},
#define DRA_ABI_OFFSET(t, f) {"offsetof(" #t ", " #f ")", (unsigned long long)offsetof(t, f)},
#define DRA_ABI_VALUE(v) {#v, (unsigned long long)(v)},

#endif
