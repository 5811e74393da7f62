-- Task history for the scale benchmark, loaded straight into kerr's store
-- while the daemons are stopped.  run.sh feeds this to sqlite3 with the
-- parameters set first:
--   @tid   a real task that ran and was killed in this run (the template:
--          its task_json and its task_updates rows are copied)
--   @from, @to   rows k in [from, to) are added
--   @nreq  rows go round-robin to requests bench-r-000000 .. nreq-1
-- Row k gets started_at = template's started_at - 30 days + k ms, so every
-- task id is unique; the request id and that timestamp are substituted in
-- the task id and everywhere in the JSON, which otherwise keeps the shape
-- kerr wrote.  The rows are finished (active = 0, finish_handled = 1) and
-- their sandboxes gone (sandbox_removed_at, as a month after the task the
-- sandbox retention has removed them): no daemon acts on them; they are
-- only history, until a history purge takes them.
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
CREATE TEMP TABLE tpl AS
  SELECT task_id AS tid, request_id AS rid,
         CAST(started_at AS TEXT) AS s0,
         started_at - 30 * 86400000 AS base,
         running_at - started_at AS run_off,
         updated_at - started_at AS upd_off, task_json AS js
  FROM tasks WHERE task_id = @tid;
CREATE TEMP TABLE tplu AS
  SELECT u.seq AS seq, u.state AS state,
         u.timestamp - t.started_at AS off, u.message AS message,
         u.reason AS reason
  FROM task_updates u JOIN tasks t ON t.task_id = u.task_id
  WHERE u.task_id = @tid;
CREATE TEMP TABLE gen (k INTEGER PRIMARY KEY, rid TEXT, tid TEXT, st INTEGER);
WITH RECURSIVE n(k) AS (SELECT @from UNION ALL SELECT k + 1 FROM n WHERE k + 1 < @to)
INSERT INTO gen
  SELECT k, printf('bench-r-%06d', k % @nreq),
         replace(replace(tpl.tid, tpl.rid, printf('bench-r-%06d', k % @nreq)),
                 tpl.s0, tpl.base + k),
         tpl.base + k
  FROM n, tpl;
INSERT INTO tasks (task_id, request_id, deploy_id, instance_no, state, active,
                   started_at, updated_at, task_json, running_at, ports,
                   finish_handled, sandbox_removed_at)
  SELECT g.tid, g.rid, 'd1', 1, 'TASK_KILLED', 0, g.st, g.st + tpl.upd_off,
         replace(replace(tpl.js, tpl.rid, g.rid), tpl.s0, g.st),
         g.st + tpl.run_off, '[]', 1, g.st + tpl.upd_off
  FROM gen g, tpl ORDER BY g.k;
INSERT INTO task_updates (task_id, state, timestamp, message, reason)
  SELECT g.tid, u.state, g.st + u.off, u.message, u.reason
  FROM gen g, tplu u ORDER BY g.k, u.seq;
DROP TABLE gen;
COMMIT;
PRAGMA journal_mode = WAL;
