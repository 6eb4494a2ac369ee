-- New orders per hour and cell, for the weather map (民情气象图): only the
-- received step of each order, so a year is about one row per order, not
-- one per step as in orders_hourly (seven or more), and the cell columns
-- are LowCardinality (a district's 10,000 micro grids fit a dictionary), so
-- grouping a year by micro grid reads a seventh of the rows, narrower.
-- Partitioned by year, not month: each part has its own dictionaries, and
-- grouping a year of twelve monthly parts by micro grid took three times
-- as long as one part (measured by BenchmarkHeatmap's data); a year is
-- small here (about one row per order).
--
-- Orders the events table held before this migration are not in it: a view
-- sees only inserts made after it exists.
CREATE TABLE IF NOT EXISTS orders_opened_hourly
(
    hour DateTime('UTC'),
    street LowCardinality(String),
    community LowCardinality(String),
    grid LowCardinality(String),
    micro_grid LowCardinality(String),
    compound LowCardinality(String),
    category LowCardinality(String),
    channel LowCardinality(String),
    opened UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYear(hour)
ORDER BY (street, community, hour, grid, micro_grid, compound, category, channel);

CREATE MATERIALIZED VIEW IF NOT EXISTS orders_opened_hourly_mv TO orders_opened_hourly AS
SELECT
    toStartOfHour(e.time) AS hour,
    e.street AS street,
    e.community AS community,
    e.grid AS grid,
    e.micro_grid AS micro_grid,
    e.compound AS compound,
    e.category AS category,
    e.channel AS channel,
    count() AS opened
FROM events AS e
WHERE e.type = 'order' AND e.state = 'received'
GROUP BY hour, street, community, grid, micro_grid, compound, category, channel;
