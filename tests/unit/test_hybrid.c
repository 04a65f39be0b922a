/* Inverse-error weights: the original application's two-model alpha, N models by hand, and
 * the edge cases (a perfect model, unknown errors). */
#include "check.h"
#include "hybrid.h"

int main(void)
{
	/* Two models: w_a = alpha = 1 - rmse_a / (rmse_a + rmse_b). */
	double rmse2[] = { 120, 80 }, w[4];
	hybrid_weights(rmse2, 2, w);
	CHECK_NEAR(w[0], 1 - 120.0 / 200, 1e-15);
	CHECK_NEAR(w[1], 1 - 80.0 / 200, 1e-15);
	/* Three: 1/1 : 1/2 : 1/4 = 4/7, 2/7, 1/7. */
	double rmse3[] = { 1, 2, 4 };
	hybrid_weights(rmse3, 3, w);
	CHECK_NEAR(w[0], 4.0 / 7, 1e-15);
	CHECK_NEAR(w[1], 2.0 / 7, 1e-15);
	CHECK_NEAR(w[2], 1.0 / 7, 1e-15);
	/* A model with no error takes everything; two share it. */
	double perfect[] = { 0.5, 0, 0 };
	hybrid_weights(perfect, 3, w);
	CHECK(w[0] == 0 && w[1] == 0.5 && w[2] == 0.5);
	/* An unknown error (no residuals yet): equal weights. */
	double unknown[] = { 1, NAN, 3 };
	hybrid_weights(unknown, 3, w);
	CHECK(w[0] == 1.0 / 3 && w[1] == 1.0 / 3 && w[2] == 1.0 / 3);

	double e[] = { 3, -4 };
	CHECK_NEAR(hybrid_rmse(e, 2), sqrt(12.5), 1e-15);
	CHECK(isnan(hybrid_rmse(e, 0)));
	double x[] = { 10, 20 }, wx[] = { 0.25, 0.75 };
	CHECK_NEAR(hybrid_blend(wx, x, 2), 17.5, 1e-15);
	return check_finish();
}
