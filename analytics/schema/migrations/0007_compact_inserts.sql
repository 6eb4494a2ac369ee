-- Inserted parts of events stay compact (one file for all columns) up to
-- 32 MiB, rather than the default 10 MiB: a writer's batch of 20,000 to
-- 50,000 events is 6 to 15 MiB, and writing it as a wide part (two files
-- for each of 33 columns) took about a quarter of an insert's CPU
-- (BenchmarkInsert, no views). Merged parts beyond 32 MiB become wide, the
-- layout that reads a few columns of many rows fastest.
ALTER TABLE events MODIFY SETTING min_bytes_for_wide_part = 33554432;
