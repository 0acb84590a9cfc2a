/* pane_procs: the process picker (what the UI needs of it). */
#ifndef VMPEEK_PANE_PROCS_H
#define VMPEEK_PANE_PROCS_H

extern const struct pane_ops procs_ops;

#endif
