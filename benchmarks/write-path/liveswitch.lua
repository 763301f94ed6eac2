-- LiveSwitch server (deployment) events from a fleet of media servers, for wrk: the load of benchmarks/write-path.py.
--
--   wrk -t2 -c32 -d20s -s benchmarks/write-path/liveswitch.lua 'http://127.0.0.1:5080/webhooks/liveswitch?token=…' -- 5000
--
-- Script arguments (after --): fleet size (default: $FLEET, else 5000); first event timestamp in epoch milliseconds
-- (default: now); and, optionally, a count: each thread stops after that many answers and says so on stdout
-- ("write-path-limit"), for the caller to end wrk (write-path.py's WAL probe sends one server's events in measured
-- steps with -t1 -c1; wrk itself always runs for its -d).
--
-- Server events are unsigned: LiveSwitch authenticates them by the source token in the URL only, so a request costs
-- the load generator no signature. Each request is one event of a server picked at random from the fleet, in the shape
-- of tests/fixtures/liveswitch/02-mediaserver.registered.json. Nine in ten are mediaserver.stats; every tenth is a
-- lifecycle event: unregistered and registered in turn (a server drained and back), and once in a thousand events a
-- restart, stopped and ten events later started, as a long-lived fleet sends them. (Restarts stay rare on purpose:
-- Sessions keeps every start of a server, to count its incarnations.)
-- Every event is new, never a duplicate: server events carry no id, so the tracker's dedupe key is a digest over type,
-- origin, timestamp and server, and no two requests share a timestamp (each thread counts in its own residue class
-- modulo 64, from the given start). Give each run on one database a start beyond the previous run's last timestamp.
--
-- At the end one line "write-path-result {json}" gives requests, non-2xx answers, socket errors and latency in µs.

local stride = 64
local threads = 0

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  fleet = tonumber(args[1] or os.getenv("FLEET") or 5000)
  start = tonumber(args[2] or os.time() * 1000)
  limit = tonumber(args[3])
  sent = 0
  answered = 0
  math.randomseed(index * 7919 + os.time())
  if limit then
    response = function()
      answered = answered + 1
      if answered == limit then
        io.write("write-path-limit\n")
        io.flush()
        wrk.thread:stop()
      end
    end
  end
end

function request()
  sent = sent + 1
  local server = math.random(1, fleet)
  local verb = "stats"
  if sent % 10 == 0 then
    local turn = (sent / 10) % 100
    verb = turn == 0 and "stopped" or turn == 1 and "started" or turn % 2 == 0 and "unregistered" or "registered"
  end
  local body = string.format(
    '{"timestamp":%d,"origin":"mediaserver","type":"mediaserver.%s","mediaserver":{"id":"8d4e2c71-0a9b-4f6e-b3c2-%012x",'
      .. '"version":"1.17.4.26271","machineName":"LS-MS-%05d","coreCount":16,"operatingSystem":"linux",'
      .. '"operatingSystemVersion":"Ubuntu 22.04"}}',
    start + sent * stride + index, verb, server, server)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency)
  local errors = summary.errors
  io.write(string.format(
    'write-path-result {"requests":%d,"duration_us":%d,"non_2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,'
      .. '"p50_us":%d,"p99_us":%d,"mean_us":%.0f,"max_us":%d}\n',
    summary.requests, summary.duration, errors.status, errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
