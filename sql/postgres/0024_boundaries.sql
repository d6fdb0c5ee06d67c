-- 0024: the boundaries of units (provinces, communes) that the maps draw.
-- One GeoJSON geometry (Polygon or MultiPolygon, WGS84 longitude/latitude,
-- 5 decimals) per unit, with its bounding box, loaded from a file matched
-- by unit code (nq57 unit boundaries, POST /api/v1/units/boundaries).
CREATE TABLE unit_boundary (
    unit_id   BIGINT PRIMARY KEY REFERENCES unit(id),
    geometry  TEXT NOT NULL,
    min_lon   DOUBLE PRECISION NOT NULL,
    min_lat   DOUBLE PRECISION NOT NULL,
    max_lon   DOUBLE PRECISION NOT NULL,
    max_lat   DOUBLE PRECISION NOT NULL,
    source    TEXT NOT NULL,            -- the file's name as given
    loaded_at TEXT NOT NULL
);

-- Moved by every load, so that each server's cached map answers
-- (domain/stmap/boundaries.c) know when to be made again.
CREATE TABLE unit_boundary_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO unit_boundary_generation (id, n) VALUES (1, 0);
