-- 0020: background jobs (reports, uncertainty analyses, index runs) claimed
-- once by the servers that share a database. The server running a job
-- (lease_owner: host, process id and a random part) holds it until
-- lease_until (milliseconds since 1970, UTC) and renews that while it runs;
-- a running job whose lease lapsed (its server died) is taken by any
-- server. attempts counts the times a server started the job; a job that
-- stopped its server too often is marked failed.
ALTER TABLE report_job ADD COLUMN lease_owner TEXT;
ALTER TABLE report_job ADD COLUMN lease_until BIGINT;
ALTER TABLE report_job ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE index_uncertainty ADD COLUMN lease_owner TEXT;
ALTER TABLE index_uncertainty ADD COLUMN lease_until BIGINT;
ALTER TABLE index_uncertainty ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE index_run ADD COLUMN lease_owner TEXT;
ALTER TABLE index_run ADD COLUMN lease_until BIGINT;
ALTER TABLE index_run ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
