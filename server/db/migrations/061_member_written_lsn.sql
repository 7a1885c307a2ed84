-- The primary's WAL position after the member's last write request, so the
-- member's own reads go to a read replica only once it has replayed that
-- far (server/db/read-replica.ts). Stays NULL without DATABASE_READ_URL.
ALTER TABLE members ADD COLUMN written_lsn pg_lsn;
