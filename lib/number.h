/* number.h - text <-> number conversion for tables.
 *
 * Parsing is exact (correctly rounded, like strtod) and fast for the decimals that market data
 * is made of; formatting writes the shortest decimal that parses back to the same double, so a
 * table written and read again is unchanged bit for bit.
 */
#ifndef CRA_NUMBER_H
#define CRA_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Longest text number_format_double can write, with its NUL. */
#define NUMBER_BUF 40

/* Parses all of s[0..len) as a decimal floating-point number ("nan" and "inf" are accepted so
 * that callers can reject them with a precise message).  Returns 0, or -1 if the text is not
 * a number (empty, blanks, trailing garbage, hexadecimal). */
int number_parse_double(const char *s, size_t len, double *out);

/* Parses all of s[0..len) as a decimal int64 ("-12", "+3"); -1 on garbage or overflow.  A
 * number written with a fraction or exponent that is integral ("1.6e12") is accepted. */
int number_parse_int64(const char *s, size_t len, int64_t *out);

/* Writes v's shortest round-trip form into buf (NUMBER_BUF bytes); returns its length.
 * Non-finite values are written as "nan", "inf", "-inf". */
int number_format_double(double v, char *buf);

/* Writes v in decimal into buf (NUMBER_BUF bytes); returns its length. */
int number_format_int64(int64_t v, char *buf);

#endif
