/* The optimiser: Adam's first steps against the formulas worked by hand in double precision,
 * a badly scaled quadratic minimised, and clipping by global norm. */
#include "adam.h"
#include "check.h"

int main(void)
{
	struct adam a;
	struct cra_error err = { 0 };
	CHECK_INT(adam_init(&a, 1, &err), 0);
	float w = 1, g = 0.5f;
	/* t=1: m = 0.05, v = 0.00025; m^ = 0.5, v^ = 0.25: w = 1 - 0.1 * 0.5 / (0.5 + 1e-8) */
	adam_step(&a, &w, &g, 0.1);
	CHECK_NEAR(w, 1 - 0.1 * 0.5 / (0.5 + 1e-8), 2e-7);
	/* t=2, g = -1: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975
	 * m^ = -0.055 / 0.19, v^ = 0.00124975 / 0.001999 */
	double before = w;
	g = -1;
	adam_step(&a, &w, &g, 0.1);
	double mh = -0.055 / 0.19, vh = 0.00124975 / (1 - 0.999 * 0.999);
	CHECK_NEAR(w, before - 0.1 * mh / (sqrt(vh) + 1e-8), 1e-6);
	adam_free(&a);

	/* f = (100 x^2 + 0.01 y^2) / 2 from (1, 1): Adam's steps do not care about the scale */
	CHECK_INT(adam_init(&a, 2, &err), 0);
	float xy[2] = { 1, 1 }, grad[2];
	for (int t = 0; t < 3000; t++) {
		grad[0] = 100 * xy[0];
		grad[1] = 0.01f * xy[1];
		adam_step(&a, xy, grad, t < 2000 ? 0.01 : 0.001);
	}
	CHECK(fabs(xy[0]) < 1e-2 && fabs(xy[1]) < 1e-2);
	adam_free(&a);

	/* clipping: (3, 4) has norm 5 */
	float v[2] = { 3, 4 };
	CHECK_NEAR(clip_global_norm(v, 2, 10), 5, 1e-12);
	CHECK(v[0] == 3 && v[1] == 4);
	CHECK_NEAR(clip_global_norm(v, 2, 0), 5, 1e-12);
	CHECK(v[0] == 3 && v[1] == 4);
	CHECK_NEAR(clip_global_norm(v, 2, 1), 5, 1e-12);
	CHECK_NEAR(v[0], 0.6, 1e-7);
	CHECK_NEAR(v[1], 0.8, 1e-7);
	CHECK_NEAR(clip_global_norm(v, 2, 0), 1, 1e-7);
	return check_finish();
}
