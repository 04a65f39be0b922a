/* Forecast metrics on cases worked out by hand. */
#include "check.h"
#include "metrics.h"

int main(void)
{
	/* actual 10, 12, 9, 11 from bases 10, 10, 12, 9; predictions 11, 11, 10, 12. */
	double actual[] = { 10, 12, 9, 11 }, pred[] = { 11, 11, 10, 12 }, base[] = { 10, 10, 12, 9 };
	struct regression_metrics m;
	regression_metrics(actual, pred, base, 4, &m);
	CHECK_NEAR(m.rmse, 1, 1e-15);                       /* errors 1, -1, 1, 1 */
	CHECK_NEAR(m.mae, 1, 1e-15);
	CHECK_NEAR(m.mape, 100 * (0.1 + 1.0 / 12 + 1.0 / 9 + 1.0 / 11) / 4, 1e-12);
	/* row 0 did not move (left out); rows 1 (up, up), 2 (down, down), 3 (up, up): 3 of 3 */
	CHECK_NEAR(m.directional_accuracy, 1, 0);
	double wrong[] = { 9, 11, 13, 12 };
	regression_metrics(actual, wrong, base, 4, &m);
	CHECK_NEAR(m.directional_accuracy, 2.0 / 3, 1e-15); /* row 2 predicts up, went down */
	/* The naive forecast predicts no move, so it never gets a direction right. */
	regression_metrics(actual, base, base, 4, &m);
	CHECK_NEAR(m.directional_accuracy, 0, 0);
	CHECK_NEAR(m.rmse, sqrt((0 + 4 + 9 + 4) / 4.0), 1e-15);

	/* Classes: actual 0 0 1 1 2 2, predicted 0 1 1 1 2 0.
	 * class 0: TP 1 FP 1 FN 1 -> F1 0.5; class 1: TP 2 FP 1 FN 0 -> 0.8; class 2: TP 1 FP 0 FN 1 -> 2/3 */
	int a[] = { 0, 0, 1, 1, 2, 2 }, p[] = { 0, 1, 1, 1, 2, 0 };
	struct class_metrics c;
	class_metrics(a, p, 6, 3, &c);
	CHECK_NEAR(c.accuracy, 4.0 / 6, 1e-15);
	CHECK_NEAR(c.macro_f1, (0.5 + 0.8 + 2.0 / 3) / 3, 1e-15);
	CHECK_INT(c.confusion[0][1], 1);
	CHECK_INT(c.confusion[2][0], 1);
	CHECK_INT(c.confusion[1][1], 2);
	int maj[] = { 2, 1, 2, 0, 2 };
	CHECK_INT(majority_class(maj, 5, 3), 2);
	int all0[] = { 0, 0, 0 }, pred_all0[] = { 0, 0, 0 };
	class_metrics(all0, pred_all0, 3, 3, &c);
	CHECK_NEAR(c.macro_f1, 1, 0); /* absent classes are left out, not counted as 0 */
	return check_finish();
}
