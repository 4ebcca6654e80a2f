\pset pager off
\echo '### P window'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.unit_id, f.indicator_id, f.period, f.value, f.revision, f.entered_at FROM exp.figures_y AS f WHERE f.scheme_id = 1 AND f.status = 3 AND f.period = '2025-03';
\echo '### U window'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.unit_id, f.indicator_id, f.period, f.value, f.revision, f.entered_at FROM public.figures AS f WHERE f.scheme_id = 1 AND f.status = 3 AND f.period = '2025-03';
\echo '### P unit corrections'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id FROM exp.figures_y AS f WHERE f.scheme_id = 1 AND f.unit_id = 9 AND f.revision > 1 AND f.status = 3;
\echo '### U unit corrections'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id FROM public.figures AS f WHERE f.scheme_id = 1 AND f.unit_id = 9 AND f.revision > 1 AND f.status = 3;
\echo '### P unit figures of a period'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id, f.value FROM exp.figures_y AS f WHERE f.scheme_id = 1 AND f.unit_id = 10 AND f.period = '2025-02' AND f.status = 3;
\echo '### U unit figures of a period'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id, f.value FROM public.figures AS f WHERE f.scheme_id = 1 AND f.unit_id = 10 AND f.period = '2025-02' AND f.status = 3;
\echo '### P status counts'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.unit_id, f.status, count(*)::int FROM exp.figures_y AS f WHERE f.status <> 3 AND f.scheme_id = 1 AND f.period = '2025-12' AND f.is_current GROUP BY f.unit_id, f.status;
