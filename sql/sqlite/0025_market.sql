-- 0025: the technology market (to be written).
SELECT 1;
