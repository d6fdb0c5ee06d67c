-- 0015: people: a password set by an administrator must be changed at the next sign-in.
SELECT 1;
