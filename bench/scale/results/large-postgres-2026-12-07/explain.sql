\pset pager off
\echo '### unit page: the unit''s rows of the set'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.result_set_id, r.unit_id, r.node, r.rank, r.rank_change, r.score, r.track_rank, r.value FROM result_rows AS r WHERE r.result_set_id = 15 AND r.unit_id = 8;
\echo '### unit page: the unit''s history (total of every set)'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.result_set_id, r.node, r.score, r.rank FROM result_rows AS r WHERE r.result_set_id = ANY ('{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}'::bigint[]) AND r.unit_id = 8 AND r.node = ANY ('{Total}'::text[]);
\echo '### unit page: the unit''s figures as scored'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id, f.value, f.revision FROM figures AS f WHERE f.scheme_id = 1 AND f.unit_id = 8 AND f.period = '2025-03' AND f.status = 3;
\echo '### unit page: the unit''s corrections'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id FROM figures AS f WHERE f.scheme_id = 1 AND f.unit_id = 8 AND f.revision > 1 AND f.status = 3;
\echo '### unit page (kept per set since this change): ranked units per node'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.node, count(*)::int FROM result_rows AS r WHERE r.result_set_id = 15 AND r.rank IS NOT NULL GROUP BY r.node;
\echo '### league: one node of the set'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.unit_id, r.value, r.score, r.rank, r.track_rank, r.rank_change FROM result_rows AS r WHERE r.result_set_id = 15 AND r.node = 'Total';
\echo '### league: the period''s corrections count'
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM figures AS f WHERE f.scheme_id = 1 AND f.revision > 1 AND f.status = 3 AND f.reason IS NOT NULL AND f.period = '2025-03';
\echo '### matrix: 50 units of the set'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.unit_id, r.node, r.score, r.value, r.rank FROM result_rows AS r WHERE r.result_set_id = 15 AND r.unit_id = ANY (ARRAY(SELECT id FROM units WHERE code LIKE 'X%' ORDER BY code LIMIT 50));
\echo '### entry status: counts per unit and state of the open period'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.unit_id, f.status, count(*)::int FROM figures AS f WHERE f.status <> 3 AND f.scheme_id = 1 AND f.period = '2025-12' AND f.is_current GROUP BY f.unit_id, f.status;
\echo '### entry status: outstanding figures of the open period'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.id, u.code, i.code, f.status FROM figures AS f INNER JOIN units AS u ON f.unit_id = u.id INNER JOIN indicators AS i ON f.indicator_id = i.id WHERE f.scheme_id = 1 AND f.period = '2025-12' AND f.is_current AND f.status <> 2 AND f.status <> 3;
\echo '### API figures: first page (1,000 rows + 1)'
EXPLAIN (ANALYZE, BUFFERS) SELECT u.id, i.source_unit_id, u.code, i.code, i.sort_order, f.value, f.status, f.revision, f.comment, f.entered_by, f.entered_at FROM figures AS f INNER JOIN units AS u ON f.unit_id = u.id INNER JOIN indicators AS i ON f.indicator_id = i.id WHERE f.scheme_id = 1 AND f.period = '2025-03' AND f.is_current AND f.status = 3 ORDER BY u.code, i.sort_order, i.code LIMIT 1001;
\echo '### publication: the input window, one period''s published figures'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.unit_id, f.indicator_id, f.period, f.value, f.revision, f.entered_at FROM figures AS f WHERE f.scheme_id = 1 AND f.status = 3 AND f.period = '2025-03';
\echo '### publication: the period before the cursor'
EXPLAIN (ANALYZE, BUFFERS) SELECT f.period FROM figures AS f WHERE f.scheme_id = 1 AND f.status = 3 AND f.period < '2025-03' ORDER BY f.period DESC LIMIT 1;
