-- 0024: unit boundaries (to be written).
SELECT 1;
