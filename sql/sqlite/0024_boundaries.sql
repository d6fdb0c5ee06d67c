-- 0024: the boundaries of units (provinces, communes) that the maps draw.
-- One GeoJSON geometry (Polygon or MultiPolygon, WGS84 longitude/latitude,
-- 5 decimals) per unit, with its bounding box, loaded from a file matched
-- by unit code (nq57 unit boundaries, POST /api/v1/units/boundaries).
CREATE TABLE unit_boundary (
    unit_id   INTEGER PRIMARY KEY REFERENCES unit(id),
    geometry  TEXT NOT NULL,
    min_lon   REAL NOT NULL,
    min_lat   REAL NOT NULL,
    max_lon   REAL NOT NULL,
    max_lat   REAL NOT NULL,
    source    TEXT NOT NULL,            -- the file's name as given
    loaded_at TEXT NOT NULL
);

-- Moved by every load, so that each server's cached map answers
-- (domain/stmap/boundaries.c) know when to be made again.
CREATE TABLE unit_boundary_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO unit_boundary_generation (id, n) VALUES (1, 0);
