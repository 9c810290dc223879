-- schema.sql - the AtlasMesh fleet database of the demo (demo/demo.sh runs
-- it with psql into a fresh atlasmesh_fleet database). The tables are the
-- ones the troubleshooting guide queries: vehicles, and vehicle_telemetry
-- with :rows rows over :vehicles vehicles, generated with generate_series.
--
-- The trouble is deliberate: vehicle_telemetry has no index on vehicle_id,
-- so the app's "latest telemetry of one vehicle" query (demo/load.py) reads
-- the whole table every time -- the guide's "Slow query responses", fixed
-- by its own "Add missing indexes" step (idx_vehicle_telemetry_vehicle_id_
-- timestamp). A never-used index on vehicles.firmware shows up in the Slow
-- queries panel's index usage view.
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 400000
\endif
\if :{?vehicles}
\else
\set vehicles 2000
\endif

CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

CREATE TABLE fleets (
	id int PRIMARY KEY,
	name text NOT NULL,
	region text NOT NULL
);

CREATE TABLE vehicles (
	id int PRIMARY KEY,
	vin text NOT NULL UNIQUE,
	fleet_id int NOT NULL REFERENCES fleets (id),
	model text NOT NULL,
	status text NOT NULL, -- active, idle, charging, maintenance, offline
	firmware text NOT NULL,
	last_seen timestamptz NOT NULL
);

-- No index on vehicle_id or timestamp: see the top of this file.
CREATE TABLE vehicle_telemetry (
	id bigserial PRIMARY KEY,
	vehicle_id int NOT NULL,
	timestamp timestamptz NOT NULL,
	lat double precision NOT NULL,
	lon double precision NOT NULL,
	speed_kmh real NOT NULL,
	battery_pct real NOT NULL,
	odometer_km double precision NOT NULL
);

INSERT INTO fleets (id, name, region) VALUES
	(1, 'dubai-logistics', 'ae-dxb'),
	(2, 'abu-dhabi-shuttles', 'ae-auh'),
	(3, 'sharjah-delivery', 'ae-shj'),
	(4, 'al-ain-mining', 'ae-aan'),
	(5, 'ras-al-khaimah-port', 'ae-rak');

INSERT INTO vehicles (id, vin, fleet_id, model, status, firmware, last_seen)
SELECT g,
       'AMX' || lpad(g::text, 14, '0'),
       1 + g % 5,
       (ARRAY['AM-Cargo 4', 'AM-Shuttle 12', 'AM-Haul 40', 'AM-Courier 1'])[1 + g % 4],
       (ARRAY['active', 'active', 'active', 'active', 'idle', 'charging',
              'maintenance', 'offline'])[1 + (g * 7) % 8],
       '2.' || (g % 4) || '.' || (g % 11),
       now() - (g % 600) * interval '1 second'
FROM generate_series(1, :vehicles) g;

CREATE INDEX idx_vehicles_firmware ON vehicles (firmware);

-- One point per vehicle every few seconds over the last hours, newest last.
INSERT INTO vehicle_telemetry (vehicle_id, timestamp, lat, lon, speed_kmh,
                               battery_pct, odometer_km)
SELECT 1 + g % :vehicles,
       now() - (:rows - g) * interval '50 milliseconds',
       25.2 + (g % 997) / 3000.0,
       55.3 + (g % 991) / 3000.0,
       (g * 37 % 1200) / 10.0,
       100 - (g / :vehicles) % 100,
       10000 + g / 10.0
FROM generate_series(1, :rows) g;

ANALYZE fleets;
ANALYZE vehicles;
ANALYZE vehicle_telemetry;
SELECT pg_stat_statements_reset();
