#!/usr/bin/env python3
"""Lists every layout-sensitive declaration of src/nvml/nvml_abi.h as
X-macros (struct sizes, field offsets, enum and #define values) so that
abi_check can compare our declarations with the real nvml.h.

  gen_items.py nvml_abi.h            print the list
  gen_items.py nvml_abi.h --check F  fail if F is not what would be printed
  gen_items.py --present-in nvml.h F print the items of F, each one whose
                                     type, field or constant name nvml.h
                                     does not declare replaced by
                                     DRA_ABI_ABSENT("...") (an older header)
"""
import re
import sys


def items(text):
    out = []
    # typedef struct X { ... } name;
    for m in re.finditer(r"typedef struct \w+ \{(.*?)\} (\w+);", text, re.S):
        body, name = m.group(1), m.group(2)
        out.append(f"DRA_ABI_SIZE({name})")
        for line in body.splitlines():
            line = re.sub(r"/\*.*?\*/", "", line).strip()
            f = re.match(r"[\w\s\*]+?[\s\*](\w+)(\[[^\]]*\])?;$", line)
            if f:
                out.append(f"DRA_ABI_OFFSET({name}, {f.group(1)})")
    # enum members: NAME = value,
    for m in re.finditer(r"typedef enum \w+ \{(.*?)\} \w+;", text, re.S):
        for e in re.finditer(r"(NVML_\w+) = ", m.group(1)):
            out.append(f"DRA_ABI_VALUE({e.group(1)})")
    # numeric #defines (not function-like, not include guards)
    for d in re.finditer(r"^#define ((?:NVML|nvml)\w+) (\(?0x[0-9A-Fa-f]+L*\)?|\(?\d+\)?|NVML_STRUCT_VERSION\(.*\))\s*$",
                         text, re.M):
        out.append(f"DRA_ABI_VALUE({d.group(1)})")
    return out


ITEM = re.compile(r"^DRA_ABI_(SIZE|OFFSET|VALUE)\(([^)]*)\)$")


def present_in(header_text, items_text):
    words = set(re.findall(r"\w+", re.sub(r"/\*.*?\*/|//[^\n]*", " ", header_text, flags=re.S)))
    out = []
    for line in items_text.splitlines():
        m = ITEM.match(line)
        if not m:
            continue
        kind, args = m.group(1), [a.strip() for a in m.group(2).split(",")]
        if all(a in words for a in args):
            out.append(line)
            continue
        label = {"SIZE": "sizeof({})", "OFFSET": "offsetof({}, {})", "VALUE": "{}"}[kind]
        out.append('DRA_ABI_ABSENT("%s")' % label.format(*args))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--present-in":
        sys.stdout.write(present_in(open(sys.argv[2]).read(), open(sys.argv[3]).read()))
        return 0
    text = open(sys.argv[1]).read()
    got = "\n".join(items(text)) + "\n"
    if len(sys.argv) > 3 and sys.argv[2] == "--check":
        want = open(sys.argv[3]).read()
        body = "\n".join(l for l in want.splitlines() if l.startswith("DRA_ABI_")) + "\n"
        if body != got:
            sys.stderr.write("abi_items.h is stale; regenerate with:\n  "
                             "testing/nvml-abi-check/gen_items.py src/nvml/nvml_abi.h "
                             "> testing/nvml-abi-check/abi_items.h (keep the header)\n")
            return 1
        print(f"abi_items.h covers {len(got.splitlines())} declarations")
        return 0
    sys.stdout.write(got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
