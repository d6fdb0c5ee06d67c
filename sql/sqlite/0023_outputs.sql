-- 0023: research outputs of the S&T map (to be written).
SELECT 1;
