-- bench/rollup.sh: every approved value of the benchmark on PostgreSQL, in
-- one transaction, as the product's bulk import writes them (rollup_pause /
-- rollup_resume in src/domain/dashboards/rollup.c): the per-value data_change
-- triggers are paused by a row in data_change_pause; after the insert the
-- log's lock is taken and one 'values' entry per indicator is logged.
-- Values for every commune (a unit with a parent), every indicator without
-- a formula and the 40 quarters 2017Q1..2026Q4; the value of indicator Ik
-- at commune code c in quarter n is val(k, c, n) of
-- bench/rollup/programme.awk. Run with psql -v ON_ERROR_STOP=1.
SET work_mem = '256MB';
BEGIN;
CREATE TEMP TABLE bench_period AS
    SELECT n, format('%sQ%s', 2017 + n / 4, n % 4 + 1) AS code,
           format('%s-%s-15', 2017 + n / 4 + (n % 4 = 3)::int, lpad(((n % 4 + 1) * 3 % 12 + 1)::text, 2, '0')) AS deadline
    FROM generate_series(0, 39) AS n;
INSERT INTO data_change_pause (since) VALUES ('bulk');
INSERT INTO indicator_value (indicator_id, unit_id, period, value, status, deadline, submitted_at, updated_at)
SELECT i.id, u.id, q.code,
       (50 + (i.k * 7919 + u.c * 104729) % 1000) * (1 + (0.005::float8 + ((i.k * 31 + u.c * 17) % 20) * 0.001::float8) * q.n)
           + ((i.k * 13 + u.c * 7 + q.n * 101) % 41 - 20) * 0.1::float8,
       'approved', q.deadline, q.deadline || 'T00:00:00Z', q.deadline || 'T00:00:00Z'
FROM (SELECT id, substr(code, 2)::bigint AS k FROM indicator WHERE formula IS NULL) AS i
CROSS JOIN (SELECT id, code::bigint AS c FROM unit WHERE parent_id IS NOT NULL) AS u
CROSS JOIN bench_period AS q
ORDER BY i.id, u.id, q.n;
SELECT pg_advisory_xact_lock(570058);
DELETE FROM data_change_pause;
INSERT INTO data_change (kind, indicator_id) SELECT 'values', id FROM indicator;
COMMIT;
VACUUM (ANALYZE) indicator_value;
-- the checkpointer's writes of the load must not overlap the measurements
CHECKPOINT;
