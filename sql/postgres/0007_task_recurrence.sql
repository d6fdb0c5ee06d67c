-- 0007: recurring tasks (yearly or quarterly duties). Each period from the
-- one holding starts_on is an occurrence due due_days after the period
-- ends (until the task's deadline, when it has one); reports on a
-- recurring task name the occurrence's period.
ALTER TABLE task ADD COLUMN recurrence TEXT;          -- NULL, 'yearly', 'quarterly'
ALTER TABLE task ADD COLUMN starts_on TEXT;           -- YYYY-MM-DD, recurring tasks
ALTER TABLE task ADD COLUMN due_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_report ADD COLUMN period TEXT;       -- the occurrence reported on
CREATE INDEX task_report_period ON task_report(task_id, period);
