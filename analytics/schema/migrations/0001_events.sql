-- Every work-order and alarm event as the bus carried it, flattened: the
-- record the rollups and the order and alarm states are derived from.
--
-- Sorted by area, then type and time, so a street's or community's events
-- over a time range are one contiguous range of each monthly partition.
-- A ReplacingMergeTree whose key ends in the event id keeps one row per
-- event even when a sender repeats an id after the bus's duplicate window;
-- exact raw counts read it with FINAL. seq is the event's sequence in its
-- bus stream: the writer looks it up (through seq_minmax) to skip events the
-- bus redelivers.
CREATE TABLE IF NOT EXISTS events
(
    id String,
    type LowCardinality(String),
    time DateTime64(3, 'UTC'),
    received DateTime64(3, 'UTC'),
    stream LowCardinality(String),
    seq UInt64,
    lon Float64,
    lat Float64,
    street LowCardinality(String),
    community LowCardinality(String),
    compound String,
    building String,
    grid String,
    micro_grid String,
    dedicated_grid String,
    order_id String,
    state LowCardinality(String),
    channel LowCardinality(String),
    category LowCardinality(String),
    priority LowCardinality(String),
    deadline Nullable(DateTime64(3, 'UTC')),
    title String,
    actor String,
    assignee String,
    escalations UInt8,
    satisfaction UInt8,
    alarm_id String,
    device_id String,
    device_type LowCardinality(String),
    kind LowCardinality(String),
    severity LowCardinality(String),
    action LowCardinality(String),
    message String,
    INDEX seq_minmax seq TYPE minmax GRANULARITY 1,
    INDEX order_bloom order_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX alarm_bloom alarm_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (street, community, type, time, id);
