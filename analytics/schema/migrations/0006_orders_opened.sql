-- New orders per cell at four grains of time, for the weather map
-- (民情气象图), replacing orders_opened_hourly.
--
-- At micro-grid level orders are sparse (about 27 a year per cell), so an
-- hourly rollup holds about one row per order and a year's map grouped
-- about 270,000 rows. Here each new order is counted in its hour, month,
-- quarter and year: a window is cut into whole years, quarters and months
-- with hours at its ragged ends, and read at the coarsest grain that fits
-- each piece, so a year's map reads about one row per cell and piece
-- instead of one per order. Categories are not in the key (that would keep
-- one row per order at every grain) but summed in a map beside the total.
--
-- Sorted by grain and bucket first, so each piece of a window is one
-- contiguous range; the cell columns are plain strings, because a year's
-- rows are each a different cell and LowCardinality dictionaries would
-- hold every code once per granule. Not partitioned: a window ending now
-- spans two calendar years, and reading one merged part instead of two
-- took a fifth less time (BenchmarkHeatmap's data); the table is small,
-- about 1.6 rows per order.
CREATE TABLE IF NOT EXISTS orders_opened
(
    grain Enum8('hour' = 1, 'month' = 2, 'quarter' = 3, 'year' = 4),
    bucket DateTime('UTC'),
    street LowCardinality(String),
    community LowCardinality(String),
    grid String,
    micro_grid String,
    compound String,
    opened SimpleAggregateFunction(sum, UInt64),
    categories SimpleAggregateFunction(sumMap, Map(String, UInt64))
)
ENGINE = AggregatingMergeTree
ORDER BY (grain, bucket, street, community, grid, micro_grid, compound);

CREATE MATERIALIZED VIEW IF NOT EXISTS orders_opened_mv TO orders_opened AS
SELECT
    g.1 AS grain,
    g.2 AS bucket,
    street, community, grid, micro_grid, compound,
    count() AS opened,
    sumMap(map(category, toUInt64(1))) AS categories
FROM
(
    SELECT e.time AS time, e.street AS street, e.community AS community, e.grid AS grid,
        e.micro_grid AS micro_grid, e.compound AS compound, toString(e.category) AS category
    FROM events AS e
    WHERE e.type = 'order' AND e.state = 'received'
)
ARRAY JOIN [('hour', toStartOfHour(time)), ('month', toDateTime(toStartOfMonth(time), 'UTC')),
    ('quarter', toDateTime(toStartOfQuarter(time), 'UTC')), ('year', toDateTime(toStartOfYear(time), 'UTC'))] AS g
GROUP BY grain, bucket, street, community, grid, micro_grid, compound;

-- A view sees only inserts made after it exists: the orders the events
-- table holds already are counted here once, from scratch. Run again (a
-- migration cut short), the pair gives the same rows. Only the writers of
-- events must be stopped meanwhile, as Open ensures for the embedded
-- engine; on a shared server, migrate before starting writers.
TRUNCATE TABLE IF EXISTS orders_opened;

INSERT INTO orders_opened
SELECT
    g.1 AS grain,
    g.2 AS bucket,
    street, community, grid, micro_grid, compound,
    count() AS opened,
    sumMap(map(category, toUInt64(1))) AS categories
FROM
(
    SELECT time, street, community, grid, micro_grid, compound, toString(category) AS category
    FROM events FINAL
    WHERE type = 'order' AND state = 'received'
)
ARRAY JOIN [('hour', toStartOfHour(time)), ('month', toDateTime(toStartOfMonth(time), 'UTC')),
    ('quarter', toDateTime(toStartOfQuarter(time), 'UTC')), ('year', toDateTime(toStartOfYear(time), 'UTC'))] AS g
GROUP BY grain, bucket, street, community, grid, micro_grid, compound;

DROP VIEW IF EXISTS orders_opened_hourly_mv;

DROP TABLE IF EXISTS orders_opened_hourly;
