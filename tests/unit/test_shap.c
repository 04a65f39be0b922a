/* Unit tests for lib/shap: the importance summary on values worked out by hand. */
#include "check.h"
#include "shap.h"

int main(void)
{
	/* 3 rows of 3 features, then a bias column the summary must not read (stride 4):
	 *   feature 0: -2, 2, 0.5  -> mean |.| 1.5,   mean 0.1666...
	 *   feature 1:  1, 1, 1    -> mean |.| 1,     mean 1
	 *   feature 2:  3, -3, -3  -> mean |.| 3,     mean -1 */
	const double phi[] = {
		-2, 1, 3, 99,
		2, 1, -3, 99,
		0.5, 1, -3, 99,
	};
	struct shap_importance s[3];
	shap_summary(phi, 3, 4, 3, s);
	CHECK_INT(s[0].feature, 2);
	CHECK_INT(s[0].rank, 1);
	CHECK_NEAR(s[0].mean_abs, 3, 1e-15);
	CHECK_NEAR(s[0].mean, -1, 1e-15);
	CHECK_INT(s[1].feature, 0);
	CHECK_NEAR(s[1].mean_abs, 1.5, 1e-15);
	CHECK_NEAR(s[1].mean, 0.5 / 3, 1e-15);
	CHECK_INT(s[2].feature, 1);
	CHECK_INT(s[2].rank, 3);
	CHECK_NEAR(s[2].mean, 1, 1e-15);

	/* Ties keep column order; no rows give NaN. */
	const double flat[] = { 1, -1, 1, -1 };
	shap_summary(flat, 2, 2, 2, s);
	CHECK_INT(s[0].feature, 0);
	CHECK_INT(s[1].feature, 1);
	CHECK_NEAR(s[0].mean, 1, 1e-15);
	CHECK_NEAR(s[1].mean, -1, 1e-15);
	shap_summary(flat, 0, 2, 2, s);
	CHECK(isnan(s[0].mean_abs) && isnan(s[1].mean));
	return check_finish();
}
