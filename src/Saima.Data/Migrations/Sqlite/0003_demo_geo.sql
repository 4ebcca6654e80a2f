-- Saima schema version 3 (SQLite): maps of a city's units as GeoJSON, one row per level
-- (code 'counties' or 'townships'); features carry the unit code in properties.code.
CREATE TABLE geo_maps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    geo_json TEXT NOT NULL
);
