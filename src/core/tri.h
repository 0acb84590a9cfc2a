/* tri: a yes or no that may be unknown (a probe that could not tell, a field a file left out). */
#ifndef VMPEEK_TRI_H
#define VMPEEK_TRI_H

/* The values are the 1 / 0 / -1 these fields held as ints. */
enum tri {
	TRI_UNKNOWN = -1,
	TRI_NO = 0,
	TRI_YES = 1,
};

#endif
