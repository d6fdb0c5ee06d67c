-- 0013: task pages: comments on a task and deadline extension requests.
SELECT 1;
