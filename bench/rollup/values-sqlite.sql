-- bench/rollup.sh: every approved value of the benchmark on SQLite, in one
-- transaction, as the product's bulk import writes them (rollup_pause /
-- rollup_resume in src/domain/dashboards/rollup.c): the per-value data_change
-- triggers are paused by a row in data_change_pause, and one 'values'
-- entry per indicator is logged instead. Values for every commune (a unit
-- with a parent), every indicator without a formula and the 40 quarters
-- 2017Q1..2026Q4; the value of indicator Ik at commune code c in quarter n
-- is val(k, c, n) of bench/rollup/programme.awk.
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
BEGIN;
CREATE TEMP TABLE bench_period AS
    WITH RECURSIVE q(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM q WHERE n < 39)
    SELECT n, printf('%04dQ%d', 2017 + n / 4, n % 4 + 1) AS code,
           printf('%04d-%02d-15', 2017 + n / 4 + (n % 4 = 3), (n % 4 + 1) * 3 % 12 + 1) AS deadline
    FROM q;
INSERT INTO data_change_pause (since) VALUES ('bulk');
INSERT INTO indicator_value (indicator_id, unit_id, period, value, status, deadline, submitted_at, updated_at)
SELECT i.id, u.id, q.code,
       (50 + (i.k * 7919 + u.c * 104729) % 1000) * (1 + (0.005 + ((i.k * 31 + u.c * 17) % 20) * 0.001) * q.n)
           + ((i.k * 13 + u.c * 7 + q.n * 101) % 41 - 20) * 0.1,
       'approved', q.deadline, q.deadline || 'T00:00:00Z', q.deadline || 'T00:00:00Z'
FROM (SELECT id, CAST(substr(code, 2) AS INTEGER) AS k FROM indicator WHERE formula IS NULL ORDER BY id) AS i
CROSS JOIN (SELECT id, CAST(code AS INTEGER) AS c FROM unit WHERE parent_id IS NOT NULL ORDER BY id) AS u
CROSS JOIN temp.bench_period AS q;
DELETE FROM data_change_pause;
INSERT INTO data_change (kind, indicator_id) SELECT 'values', id FROM indicator;
COMMIT;
PRAGMA journal_mode = WAL;
ANALYZE;
