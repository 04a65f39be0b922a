/* symbol.h - market symbols: ^[A-Z0-9]{2,20}$, checked before a symbol reaches a URL, a file
 * name or SQL. */
#ifndef CRA_SYMBOL_H
#define CRA_SYMBOL_H

#include <stdbool.h>

#define SYMBOL_MAX 20

bool symbol_valid(const char *s);

#endif
