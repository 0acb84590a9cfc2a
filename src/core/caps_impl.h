/* caps_impl: what caps.c and caps_settings.c share and no other module uses. */
#ifndef VMPEEK_CAPS_IMPL_H
#define VMPEEK_CAPS_IMPL_H

#include <stdint.h>

#include "caps.h"

/* Bits of CapEff (include/uapi/linux/capability.h). */
#define CAP_SYS_PTRACE_BIT	19
#define CAP_SYS_ADMIN_BIT	21

/* Mark an item available, or not with a why (printf-style). */
void caps_yes(struct caps_item *it);
void caps_no(struct caps_item *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hex CapEff of <root>/self/status; -1 when unreadable. */
int caps_self_capeff(int rootfd, uint64_t *cap);

/* The items read from files (caps_settings.c); sysfd, rootfd may be -1. */
void caps_gather_swap(int rootfd, struct vm_caps *c);
void caps_gather_thp(int sysfd, struct vm_caps *c);
void caps_gather_hugetlb(int rootfd, int sysfd, struct vm_caps *c);
void caps_gather_ptrace(int rootfd, struct vm_caps *c);

#endif
