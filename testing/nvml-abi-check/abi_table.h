/*
 * abi_table.h: one ABI fact (a struct size, a field offset, or the value of
 * an enum member or #define) as a name and a number. abi_ours.c and
 * abi_real.c each build a table from abi_items.h, against our declarations
 * and against NVIDIA's nvml.h respectively (abi_real.c from a copy in which
 * the facts that nvml.h does not declare are DRA_ABI_ABSENT, made by
 * gen_items.py --present-in); abi_check.c compares them.
 * Plain data; thread-safe.
 */
#ifndef DRA_ABI_TABLE_H_
#define DRA_ABI_TABLE_H_

#include <stddef.h>

struct dra_abi_entry {
  const char* name;
  unsigned long long value;
  int absent; /* 1: the name is not declared in the header checked against */
};

#define DRA_ABI_SIZE(t) {"sizeof(" #t ")", (unsigned long long)sizeof(t), 0},
#define DRA_ABI_OFFSET(t, f) {"offsetof(" #t ", " #f ")", (unsigned long long)offsetof(t, f), 0},
#define DRA_ABI_VALUE(v) {#v, (unsigned long long)(v), 0},
/* Written by gen_items.py --present-in for a fact whose names an older
 * nvml.h does not declare (e.g. a MIG profile added in a later release). */
#define DRA_ABI_ABSENT(text) {text, 0, 1},

#endif
