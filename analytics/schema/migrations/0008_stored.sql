-- When the bus stored each event and patrol report (JetStream's own time
-- of the message, to the millisecond). The writer skips what the bus
-- delivers again by sequence number; with this time beside it, a sequence
-- is matched only by the same message, so a bus set up anew, whose
-- sequences start again at 1, is not taken for one redelivering what is
-- stored already. Rows written before this column existed hold 1970 here;
-- see writer.matchStored for how they are matched.
ALTER TABLE events ADD COLUMN IF NOT EXISTS stored DateTime64(3, 'UTC') AFTER seq;

ALTER TABLE patrol_samples ADD COLUMN IF NOT EXISTS stored DateTime64(3, 'UTC') AFTER seq;
