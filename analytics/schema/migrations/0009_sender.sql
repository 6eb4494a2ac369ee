-- Who handed each event in, as the server knew them: the integrator whose
-- key posted it, the signed-in user whose action made it, or the server's
-- scheduler (event.Event.Sender). An order's actor is what the sender
-- named; this is who sent it, so the audit trail shows both. Rows written
-- before this column existed hold ''.
ALTER TABLE events ADD COLUMN IF NOT EXISTS sender LowCardinality(String) AFTER actor;
