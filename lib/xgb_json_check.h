/* xgb_json_check.h - checks an XGBoost JSON model's structure before libxgboost reads it.
 *
 * libxgboost 1.7.4 trusts the model it is given: a tree list shorter than its "num_trees", or a
 * tree whose arrays are shorter than its "num_nodes", makes it index past its vectors and crash
 * (found by fuzzing the bundle loader, tests/fuzz).  Bundles are checksummed, so such a model
 * is never an accident, but a tool that loads files must not crash on any of them.  This check
 * covers what craipto writes (gbtree, numerical splits, one target): the counts agree with the
 * arrays, every child index points forward inside its tree (so walks end), every split
 * feature exists, every tree's class index exists.  Anything else is refused, never guessed.
 */
#ifndef CRA_XGB_JSON_CHECK_H
#define CRA_XGB_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True when the buffer is XGBoost's JSON (it begins `{"`); UBJSON, the other format XGBoost
 * reads, begins `{` and a length marker. */
bool xgb_json_is_json(const void *buf, size_t len);

/* 0 when the JSON model is one libxgboost can safely read; otherwise -1, with the first
 * problem found in why (e.g. "tree 2: 'left_children' has 5 entries, not num_nodes 7"). */
int xgb_json_check(const void *buf, size_t len, char *why, size_t why_size);

#endif
