-- Grid workers' positions, downsampled by the writer to the first report of
-- each worker in each minute (and every on/off duty change): several
-- thousand workers reporting every 5-10 s become one row per worker-minute.
--
-- The key ends in (minute, worker_id, on_duty), so a sample written twice
-- (a restart mid-minute) collapses into one row in the background, while a
-- duty change within the minute stays; exact reads use FINAL. Positions older than 400 days are dropped: a whole
-- city's year is several billion rows even downsampled.
CREATE TABLE IF NOT EXISTS patrol_samples
(
    minute DateTime('UTC'),
    time DateTime64(3, 'UTC'),
    worker_id String,
    role LowCardinality(String),
    on_duty Bool,
    lon Float64,
    lat Float64,
    heading Float32,
    speed Float32,
    battery Float32,
    home_grid String,
    street LowCardinality(String),
    community LowCardinality(String),
    compound String,
    grid String,
    micro_grid String,
    dedicated_grid String,
    seq UInt64,
    INDEX seq_minmax seq TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(seq)
PARTITION BY toYYYYMM(minute)
ORDER BY (street, community, minute, worker_id, on_duty)
TTL minute + INTERVAL 400 DAY;
