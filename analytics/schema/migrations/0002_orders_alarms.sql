-- The current state of every work order and alarm, folded from events by
-- materialized views.
--
-- Each event carries only what changed, so a state is a fold, not the
-- latest row: argMax(x, (time, seq)) keeps the value of the newest event,
-- min and max keep first and last times. All of these give the same result
-- when an event is folded in twice, so a repeated event never skews a state.
-- Rows of one order are merged in the background; read with GROUP BY id and
-- the -Merge combinators (argMaxMerge(state)), min() and max().
CREATE TABLE IF NOT EXISTS orders
(
    order_id String,
    opened_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    updated_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    closed_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    escalations SimpleAggregateFunction(max, UInt8),
    satisfaction SimpleAggregateFunction(max, UInt8),
    state AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    channel AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    category AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    priority AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    title AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    assignee AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    deadline AggregateFunction(argMax, Nullable(DateTime64(3, 'UTC')), Tuple(DateTime64(3, 'UTC'), UInt64)),
    street AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    community AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    compound AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    grid AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    micro_grid AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    lon AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
    lat AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64))
)
ENGINE = AggregatingMergeTree
ORDER BY order_id;

-- A title comes with the first event only: an empty title is given the
-- oldest possible version, so it never replaces a real one.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_mv TO orders AS
SELECT
    e.order_id AS order_id,
    min(e.time) AS opened_at,
    max(e.time) AS updated_at,
    maxIf(toNullable(e.time), e.state = 'closed') AS closed_at,
    max(e.escalations) AS escalations,
    max(e.satisfaction) AS satisfaction,
    argMaxState(e.state, (e.time, e.seq)) AS state,
    argMaxState(e.channel, if(e.channel = '', (toDateTime64(0, 3, 'UTC'), 0), (e.time, e.seq))) AS channel,
    argMaxState(e.category, if(e.category = '', (toDateTime64(0, 3, 'UTC'), 0), (e.time, e.seq))) AS category,
    argMaxState(e.priority, if(e.priority = '', (toDateTime64(0, 3, 'UTC'), 0), (e.time, e.seq))) AS priority,
    argMaxState(e.title, if(e.title = '', (toDateTime64(0, 3, 'UTC'), 0), (e.time, e.seq))) AS title,
    argMaxState(e.assignee, (e.time, e.seq)) AS assignee,
    argMaxState(e.deadline, (e.time, e.seq)) AS deadline,
    argMaxState(e.street, (e.time, e.seq)) AS street,
    argMaxState(e.community, (e.time, e.seq)) AS community,
    argMaxState(e.compound, (e.time, e.seq)) AS compound,
    argMaxState(e.grid, (e.time, e.seq)) AS grid,
    argMaxState(e.micro_grid, (e.time, e.seq)) AS micro_grid,
    argMaxState(e.lon, (e.time, e.seq)) AS lon,
    argMaxState(e.lat, (e.time, e.seq)) AS lat
FROM events AS e
WHERE e.type = 'order'
GROUP BY order_id;

CREATE TABLE IF NOT EXISTS alarms
(
    alarm_id String,
    raised_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    updated_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    acknowledged_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    cleared_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    action AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    severity AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    device_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    device_type AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    kind AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    message AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    street AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    community AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UInt64)),
    compound AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    building AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    micro_grid AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), UInt64)),
    lon AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
    lat AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64))
)
ENGINE = AggregatingMergeTree
ORDER BY alarm_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS alarms_mv TO alarms AS
SELECT
    e.alarm_id AS alarm_id,
    min(e.time) AS raised_at,
    max(e.time) AS updated_at,
    maxIf(toNullable(e.time), e.action = 'acknowledge') AS acknowledged_at,
    maxIf(toNullable(e.time), e.action = 'clear') AS cleared_at,
    argMaxState(e.action, (e.time, e.seq)) AS action,
    argMaxState(e.severity, (e.time, e.seq)) AS severity,
    argMaxState(e.device_id, (e.time, e.seq)) AS device_id,
    argMaxState(e.device_type, (e.time, e.seq)) AS device_type,
    argMaxState(e.kind, (e.time, e.seq)) AS kind,
    argMaxState(e.message, if(e.message = '', (toDateTime64(0, 3, 'UTC'), 0), (e.time, e.seq))) AS message,
    argMaxState(e.street, (e.time, e.seq)) AS street,
    argMaxState(e.community, (e.time, e.seq)) AS community,
    argMaxState(e.compound, (e.time, e.seq)) AS compound,
    argMaxState(e.building, (e.time, e.seq)) AS building,
    argMaxState(e.micro_grid, (e.time, e.seq)) AS micro_grid,
    argMaxState(e.lon, (e.time, e.seq)) AS lon,
    argMaxState(e.lat, (e.time, e.seq)) AS lat
FROM events AS e
WHERE e.type = 'alarm'
GROUP BY alarm_id;
