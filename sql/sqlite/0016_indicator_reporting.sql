-- 0016: which kinds of unit report an indicator (its reporting level):
-- a comma-separated list of unit kinds ("commune,department"), or NULL
-- when every kind reports it. A unit's template lists only the indicators
-- its kind reports; city-wide figures (GRDP, TFP) are "province" only.
ALTER TABLE indicator ADD COLUMN report_kinds TEXT;
