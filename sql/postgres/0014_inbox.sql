-- 0014: every person's inbox: what was read, what was mailed.
SELECT 1;
