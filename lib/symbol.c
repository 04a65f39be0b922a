/* symbol.c - symbol validation; see symbol.h. */
#include "symbol.h"

#include <string.h>

bool symbol_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > SYMBOL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}
