-- Hourly rollups per cell, fed by materialized views as rows arrive: what
-- the heatmap and the trend panels read, so a year at micro-grid level is a
-- scan of these tables, never of events.
--
-- Each row is one hour in one micro grid (with its street, community,
-- general grid and compound) and one category. Sorted by area first, like
-- events, so a street leader's queries read only their street. The counts
-- are exact because the writer never inserts an event twice (it skips the
-- sequence numbers the bus redelivers); read them with sum() and GROUP BY,
-- as rows of one key merge only in the background.
CREATE TABLE IF NOT EXISTS orders_hourly
(
    hour DateTime('UTC'),
    street LowCardinality(String),
    community LowCardinality(String),
    grid String,
    micro_grid String,
    compound String,
    category LowCardinality(String),
    channel LowCardinality(String),
    opened UInt64,
    closed UInt64,
    closed_late UInt64,
    escalated UInt64,
    returned UInt64,
    satisfaction_sum UInt64,
    rated UInt64,
    steps UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (street, community, hour, grid, micro_grid, compound, category, channel);

-- closed_late: closed after the deadline the order had when it closed.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_hourly_mv TO orders_hourly AS
SELECT
    toStartOfHour(e.time) AS hour,
    e.street AS street,
    e.community AS community,
    e.grid AS grid,
    e.micro_grid AS micro_grid,
    e.compound AS compound,
    e.category AS category,
    e.channel AS channel,
    countIf(e.state = 'received') AS opened,
    countIf(e.state = 'closed') AS closed,
    countIf(e.state = 'closed' AND e.deadline IS NOT NULL AND e.time > e.deadline) AS closed_late,
    countIf(e.state = 'escalated') AS escalated,
    countIf(e.state = 'returned') AS returned,
    sumIf(toUInt64(e.satisfaction), e.state = 'closed' AND e.satisfaction > 0) AS satisfaction_sum,
    countIf(e.state = 'closed' AND e.satisfaction > 0) AS rated,
    count() AS steps
FROM events AS e
WHERE e.type = 'order'
GROUP BY hour, street, community, grid, micro_grid, compound, category, channel;

CREATE TABLE IF NOT EXISTS alarms_hourly
(
    hour DateTime('UTC'),
    street LowCardinality(String),
    community LowCardinality(String),
    grid String,
    micro_grid String,
    compound String,
    device_type LowCardinality(String),
    kind LowCardinality(String),
    severity LowCardinality(String),
    raised UInt64,
    acknowledged UInt64,
    cleared UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (street, community, hour, grid, micro_grid, compound, device_type, kind, severity);

CREATE MATERIALIZED VIEW IF NOT EXISTS alarms_hourly_mv TO alarms_hourly AS
SELECT
    toStartOfHour(e.time) AS hour,
    e.street AS street,
    e.community AS community,
    e.grid AS grid,
    e.micro_grid AS micro_grid,
    e.compound AS compound,
    e.device_type AS device_type,
    e.kind AS kind,
    e.severity AS severity,
    countIf(e.action = 'raise') AS raised,
    countIf(e.action = 'acknowledge') AS acknowledged,
    countIf(e.action = 'clear') AS cleared
FROM events AS e
WHERE e.type = 'alarm'
GROUP BY hour, street, community, grid, micro_grid, compound, device_type, kind, severity;

-- Patrol coverage: worker-minutes spent in each cell, of them on duty, and
-- which workers (uniq is exact up to 65,536 workers a cell-hour). A sample
-- the writer wrote twice (a worker's minute after a restart) counts twice in
-- the minutes; the worker sets are unaffected.
CREATE TABLE IF NOT EXISTS patrol_hourly
(
    hour DateTime('UTC'),
    street LowCardinality(String),
    community LowCardinality(String),
    grid String,
    micro_grid String,
    minutes SimpleAggregateFunction(sum, UInt64),
    on_duty_minutes SimpleAggregateFunction(sum, UInt64),
    workers AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (street, community, hour, grid, micro_grid)
TTL hour + INTERVAL 400 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS patrol_hourly_mv TO patrol_hourly AS
SELECT
    toStartOfHour(p.minute) AS hour,
    p.street AS street,
    p.community AS community,
    p.grid AS grid,
    p.micro_grid AS micro_grid,
    count() AS minutes,
    countIf(p.on_duty) AS on_duty_minutes,
    uniqState(p.worker_id) AS workers
FROM patrol_samples AS p
GROUP BY hour, street, community, grid, micro_grid;
