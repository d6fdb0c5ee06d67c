-- 0021: the day a review report derives task statuses for (the steering
-- office may ask for a day other than the one the report is made on);
-- NULL until the report is made, then the day it used.
ALTER TABLE report_job ADD COLUMN tasks_as_of TEXT;
