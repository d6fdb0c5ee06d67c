-- 0017: the share of expected reporters (report_kinds within a subtree)
-- whose values must be approved before a roll-up above the reporting
-- level becomes the headline figure, in percent (GSO's publication rule:
-- a total is published when enough units have reported).
ALTER TABLE indicator ADD COLUMN completeness_threshold DOUBLE PRECISION NOT NULL DEFAULT 100
    CHECK (completeness_threshold > 0 AND completeness_threshold <= 100);
