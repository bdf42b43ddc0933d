/*
 * eval_json.c - the words and numbers every evaluation answer is written
 * with (eval_internal.h): the stage keys and labels, a count as JSON (an
 * integer when whole, null when not a number), rounding, ratios, and the
 * text of a column. One definition here so that 优质均衡 (eval_load.c,
 * eval_balanced.c), 学前 (eval_preschool.c) and 班额 (eval_size.c) write a
 * figure the same way.
 */
#include "domain/eval_internal.h"

#include <math.h>

const char *const eval_stage_keys[EVAL_NSTAGES] = {"primary", "junior", "senior"};
const char *const eval_stage_labels[EVAL_NSTAGES] = {"小学", "初中", "高中"};

json_t *eval_json_count(double x)
{
    if (isnan(x) || isinf(x))
        return json_null();
    if (x == floor(x) && fabs(x) < 9e15)
        return json_integer((json_int_t)x);
    return json_real(x);
}

double eval_round(double x, int places)
{
    double f = pow(10, places);
    return isnan(x) ? x : round(x * f) / f;
}

double eval_ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

const char *eval_text(const sval *v)
{
    return v->type == SV_TEXT ? v->s : "";
}

void eval_school_head_read(const sval *cols, eval_school_head *h)
{
    h->school_id = cols[0].type == SV_INT ? cols[0].i : 0;
    h->code = eval_text(&cols[1]);
    h->name = eval_text(&cols[2]);
    h->kind = eval_text(&cols[3]);
    h->area = eval_text(&cols[4]);
    h->town_id = cols[5].type == SV_INT ? cols[5].i : 0;
    h->town = eval_text(&cols[6]);
    h->status = eval_text(&cols[7]);
}
