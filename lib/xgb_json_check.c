/* xgb_json_check.c - an XGBoost JSON model's structure, checked; see xgb_json_check.h.
 *
 * The layout checked (XGBoost 1.7's model schema, the parts its loader indexes by):
 *   {"learner": {"learner_model_param": {"num_feature": "5", "num_class": "0",
 *                                        "num_target": "1", ...},
 *                "gradient_booster": {"name": "gbtree",
 *                                     "model": {"gbtree_model_param": {"num_trees": "T", ...},
 *                                               "tree_info": [T class indices],
 *                                               "trees": [T trees]}}, ...}, "version": [...]}
 * and each tree: {"tree_param": {"num_nodes": "N", "num_feature": "5", ...}, "id": i, and the
 * per-node arrays below, N entries each}. */
#include "xgb_json_check.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-node arrays of a tree: XGBoost reads num_nodes entries of each. */
enum node_array {
	BASE_WEIGHTS, DEFAULT_LEFT, LEFT_CHILDREN, LOSS_CHANGES, PARENTS, RIGHT_CHILDREN,
	SPLIT_CONDITIONS, SPLIT_INDICES, SPLIT_TYPE, SUM_HESSIAN, NODE_ARRAYS
};
static const char *const node_array_names[NODE_ARRAYS] = {
	[BASE_WEIGHTS] = "base_weights",     [DEFAULT_LEFT] = "default_left",
	[LEFT_CHILDREN] = "left_children",   [LOSS_CHANGES] = "loss_changes",
	[PARENTS] = "parents",               [RIGHT_CHILDREN] = "right_children",
	[SPLIT_CONDITIONS] = "split_conditions", [SPLIT_INDICES] = "split_indices",
	[SPLIT_TYPE] = "split_type",         [SUM_HESSIAN] = "sum_hessian",
};
/* Categorical splits: craipto never trains them, so their arrays must be empty. */
static const char *const category_arrays[] = {
	"categories", "categories_nodes", "categories_segments", "categories_sizes",
};

/* XGBoost's root node has this parent. */
#define ROOT_PARENT 2147483647
/* Far more nodes than any tree of depth <= 24 has; bounds what a model may make us allocate. */
#define MAX_NODES (1 << 25)

struct checker {
	char *why;
	size_t size;
};

static int refuse(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, c->size, fmt, ap);
	va_end(ap);
	return -1;
}

bool xgb_json_is_json(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	return len >= 2 && b[0] == '{' && b[1] == '"';
}

/* XGBoost writes its parameters as decimal strings ("num_nodes": "7"). */
static int string_param(struct checker *c, json_t *obj, const char *where, const char *key,
			long long lo, long long hi, long long *out)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s)
		return refuse(c, "%s: no '%s'", where, key);
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return refuse(c, "%s: '%s' is \"%.40s\", not a whole number in [%lld, %lld]", where,
			      key, s, lo, hi);
	*out = v;
	return 0;
}

/* Each entry of array `key` of the tree, as an integer; a non-integer entry is refused. */
static int int_entry(struct checker *c, json_t *arr, const char *where, const char *key,
		     size_t i, long long *out)
{
	json_t *v = json_array_get(arr, i);
	if (!json_is_integer(v))
		return refuse(c, "%s: '%s'[%zu] is not an integer", where, key, i);
	*out = json_integer_value(v);
	return 0;
}

static json_t *node_array(struct checker *c, json_t *tree, const char *where, const char *key,
			  long long n)
{
	json_t *arr = json_object_get(tree, key);
	if (!json_is_array(arr)) {
		refuse(c, "%s: no array '%s'", where, key);
		return NULL;
	}
	if ((long long)json_array_size(arr) != n) {
		refuse(c, "%s: '%s' has %zu entries, not num_nodes %lld", where, key,
		       json_array_size(arr), n);
		return NULL;
	}
	return arr;
}

/* One node's links: a leaf has neither child; an inner node has both, after itself (XGBoost
 * numbers nodes breadth first, so a walk from the root always ends), and a split feature that
 * exists.  Every node but the root has a parent before it. */
static int check_node(struct checker *c, const char *where, json_t *const a[NODE_ARRAYS],
		      long long i, long long n, long long features)
{
	long long l = 0, r = 0, p = 0, f = 0, t = 0;
	if (int_entry(c, a[LEFT_CHILDREN], where, "left_children", i, &l) ||
	    int_entry(c, a[RIGHT_CHILDREN], where, "right_children", i, &r) ||
	    int_entry(c, a[PARENTS], where, "parents", i, &p) ||
	    int_entry(c, a[SPLIT_INDICES], where, "split_indices", i, &f) ||
	    int_entry(c, a[SPLIT_TYPE], where, "split_type", i, &t))
		return -1;
	if (!((l == -1 && r == -1) || (l > i && l < n && r > i && r < n && l != r)))
		return refuse(c, "%s: node %lld has children %lld and %lld", where, i, l, r);
	if (i == 0 ? p != ROOT_PARENT : (p < 0 || p >= i))
		return refuse(c, "%s: node %lld has parent %lld", where, i, p);
	if (f < 0 || f >= (features > 0 ? features : 1))
		return refuse(c, "%s: node %lld splits on feature %lld of %lld", where, i, f,
			      features);
	if (t != 0)
		return refuse(c, "%s: node %lld is a categorical split (not supported)", where, i);
	return 0;
}

static int check_tree(struct checker *c, json_t *tree, size_t index, long long features)
{
	char where[32];
	snprintf(where, sizeof where, "tree %zu", index);
	if (!json_is_object(tree))
		return refuse(c, "%s is not an object", where);
	json_t *param = json_object_get(tree, "tree_param");
	long long n, nfeat, deleted, leaf_vector;
	if (!json_is_object(param))
		return refuse(c, "%s: no 'tree_param'", where);
	if (string_param(c, param, where, "num_nodes", 1, MAX_NODES, &n) ||
	    string_param(c, param, where, "num_feature", features, features, &nfeat) ||
	    string_param(c, param, where, "num_deleted", 0, 0, &deleted) ||
	    string_param(c, param, where, "size_leaf_vector", 0, 0, &leaf_vector))
		return -1;
	if (!json_is_integer(json_object_get(tree, "id")) ||
	    json_integer_value(json_object_get(tree, "id")) != (json_int_t)index)
		return refuse(c, "%s: its 'id' is not %zu", where, index);
	json_t *arrays[NODE_ARRAYS];
	for (int k = 0; k < NODE_ARRAYS; k++) {
		if (!(arrays[k] = node_array(c, tree, where, node_array_names[k], n)))
			return -1;
		for (size_t i = 0; i < (size_t)n; i++)
			if (!json_is_number(json_array_get(arrays[k], i)))
				return refuse(c, "%s: '%s'[%zu] is not a number", where,
					      node_array_names[k], i);
	}
	for (size_t k = 0; k < sizeof category_arrays / sizeof *category_arrays; k++) {
		json_t *arr = json_object_get(tree, category_arrays[k]);
		if (!json_is_array(arr) || json_array_size(arr) != 0)
			return refuse(c, "%s: '%s' is not an empty array", where, category_arrays[k]);
	}
	for (long long i = 0; i < n; i++)
		if (check_node(c, where, arrays, i, n, features))
			return -1;
	return 0;
}

static int check_learner(struct checker *c, json_t *learner)
{
	json_t *lp = json_object_get(learner, "learner_model_param");
	if (!json_is_object(lp))
		return refuse(c, "no 'learner_model_param'");
	long long features, classes, targets = 1;
	if (string_param(c, lp, "learner_model_param", "num_feature", 0, 1 << 20, &features) ||
	    string_param(c, lp, "learner_model_param", "num_class", 0, 1000, &classes))
		return -1;
	if (json_object_get(lp, "num_target") &&
	    string_param(c, lp, "learner_model_param", "num_target", 1, 1, &targets))
		return -1;

	json_t *booster = json_object_get(learner, "gradient_booster");
	const char *name = json_string_value(json_object_get(booster, "name"));
	if (!name || strcmp(name, "gbtree"))
		return refuse(c, "the booster is not 'gbtree'");
	json_t *model = json_object_get(booster, "model");
	json_t *mp = json_object_get(model, "gbtree_model_param");
	if (!json_is_object(mp))
		return refuse(c, "no 'gbtree_model_param'");
	long long ntrees, parallel;
	if (string_param(c, mp, "gbtree_model_param", "num_trees", 0, 1 << 24, &ntrees) ||
	    string_param(c, mp, "gbtree_model_param", "num_parallel_tree", 1, 1, &parallel))
		return -1;
	json_t *trees = json_object_get(model, "trees"), *info = json_object_get(model, "tree_info");
	if (!json_is_array(trees) || (long long)json_array_size(trees) != ntrees)
		return refuse(c, "'trees' does not hold num_trees %lld trees", ntrees);
	if (!json_is_array(info) || (long long)json_array_size(info) != ntrees)
		return refuse(c, "'tree_info' does not hold num_trees %lld entries", ntrees);
	for (size_t i = 0; i < (size_t)ntrees; i++) {
		long long group = 0;
		if (int_entry(c, info, "the model", "tree_info", i, &group))
			return -1;
		if (group < 0 || group >= (classes > 0 ? classes : 1))
			return refuse(c, "tree %zu belongs to output %lld of %lld", i, group,
				      classes > 0 ? classes : 1);
		if (check_tree(c, json_array_get(trees, i), i, features))
			return -1;
	}
	return 0;
}

int xgb_json_check(const void *buf, size_t len, char *why, size_t why_size)
{
	struct checker c = { why, why_size };
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return refuse(&c, "not JSON: %s (byte %d)", jerr.text, jerr.position);
	json_t *learner = json_object_get(root, "learner");
	int r = json_is_object(learner) ? check_learner(&c, learner)
					   : refuse(&c, "no 'learner' object");
	json_decref(root);
	return r;
}
