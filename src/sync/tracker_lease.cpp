#include "sync/tracker_lease.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "backup/backup_id.h"

namespace epicsync::sync {
namespace {

using Clock = std::chrono::system_clock;

std::string random_token() {
  // /dev/urandom first: two runners started in the same instant must never share a token.
  unsigned char bytes[16] = {};
  std::ifstream in("/dev/urandom", std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes), sizeof bytes)) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string this_host() {
  char host[HOST_NAME_MAX + 1] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

std::string this_user() {
  for (const char* name : {"USER", "LOGNAME"}) {
    if (const char* v = std::getenv(name); v && *v) return v;
  }
  return "unknown";
}

// A holder on this machine whose process is gone (killed, crashed) holds nothing: its lease is
// taken over at once instead of after the expiry, as the file lock would be.
bool dead_here(const LeaseRecord& r) {
  if (r.host != this_host() || r.pid <= 0) return false;
  return ::kill(static_cast<pid_t>(r.pid), 0) != 0 && errno == ESRCH;
}

Error held_by(const std::string& epic, const LeaseRecord& r) {
  std::string who = "pid " + std::to_string(r.pid) + " on " + (r.host.empty() ? "?" : r.host);
  if (!r.holder.empty()) who += " (" + r.holder + ")";
  return Error{ErrorKind::kLocked,
               "epic " + epic + " is being changed by another epicsync run: " + who + ", " +
                   (r.mode.empty() ? "running" : r.mode) + " since " +
                   backup::format_utc(r.acquired),
               "wait for that run to finish; if it died, its lease on the epic (issue property " +
                   std::string(kLeaseProperty) + ") expires at " + backup::format_utc(r.expires) +
                   " and is then taken over"};
}

nlohmann::json run_to_json(const RunRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"mode", r.mode},
                      {"user", r.user},
                      {"host", r.host},
                      {"started", backup::format_utc_ms(r.started)},
                      {"outcome", r.outcome}};
  if (!r.account.empty()) j["account"] = r.account;
  if (r.finished) j["finished"] = backup::format_utc_ms(*r.finished);
  if (!r.backup.empty()) j["backup"] = r.backup;
  if (!r.counts.empty()) j["counts"] = r.counts;
  return j;
}

std::optional<RunRecord> run_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) return std::nullopt;
  auto text_of = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  RunRecord r;
  r.id = text_of("id");
  r.mode = text_of("mode");
  r.user = text_of("user");
  r.host = text_of("host");
  r.account = text_of("account");
  r.outcome = text_of("outcome");
  r.backup = text_of("backup");
  auto started = backup::parse_utc_ms(text_of("started"));
  if (!started) return std::nullopt;
  r.started = *started;
  if (auto finished = backup::parse_utc_ms(text_of("finished"))) r.finished = *finished;
  if (j.contains("counts") && j["counts"].is_object()) {
    for (const auto& [name, n] : j["counts"].items()) {
      if (n.is_number_integer()) r.counts[name] = n.get<long>();
    }
  }
  return r;
}

// "20261207T231500Z-3f9a1c": sorts by time, and the token's first bytes keep two runs started
// in the same second apart.
std::string make_run_id(Clock::time_point t, const std::string& token) {
  std::time_t secs = Clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + "-" + token.substr(0, 6);
}

}  // namespace

std::vector<RunRecord> runs_of_lease(const std::string& lease_text) {
  auto lease = lease_from_json(lease_text);
  return lease ? lease->runs : std::vector<RunRecord>{};
}

bool run_is_live(const RunRecord& run, const std::optional<LeaseRecord>& lease,
                 Clock::time_point now) {
  return run.outcome == "running" && lease && lease->run == run.id && !lease->released &&
         lease->expires > now;
}

std::string lease_to_json(const LeaseRecord& r) {
  nlohmann::json j = {{"holder", r.holder},
                      {"host", r.host},
                      {"pid", r.pid},
                      {"token", r.token},
                      {"mode", r.mode},
                      {"acquired", backup::format_utc(r.acquired)},
                      {"expires", backup::format_utc(r.expires)}};
  if (r.released) {
    j["released"] = backup::format_utc(*r.released);
    j["created"] = r.created_ids;
    if (r.created_truncated) j["created_truncated"] = true;
  }
  if (!r.run.empty()) j["run"] = r.run;
  if (!r.runs.empty()) {
    j["runs"] = nlohmann::json::array();
    for (const auto& run : r.runs) j["runs"].push_back(run_to_json(run));
  }
  return j.dump();
}

std::optional<LeaseRecord> lease_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) return std::nullopt;
  LeaseRecord r;
  r.token = j["token"].get<std::string>();
  auto text_of = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  r.holder = text_of("holder");
  r.host = text_of("host");
  r.mode = text_of("mode");
  if (j.contains("pid") && j["pid"].is_number_integer()) r.pid = j["pid"].get<long>();
  auto acquired = backup::parse_utc(text_of("acquired"));
  auto expires = backup::parse_utc(text_of("expires"));
  if (!expires) return std::nullopt;
  r.expires = *expires;
  r.acquired = acquired ? *acquired : *expires;
  if (auto released = backup::parse_utc(text_of("released"))) r.released = *released;
  if (j.contains("created") && j["created"].is_array()) {
    for (const auto& id : j["created"]) {
      if (id.is_string()) r.created_ids.push_back(id.get<std::string>());
    }
  }
  r.created_truncated = j.value("created_truncated", false);
  r.run = text_of("run");
  if (j.contains("runs") && j["runs"].is_array()) {
    for (const auto& one : j["runs"]) {
      if (auto run = run_from_json(one)) r.runs.push_back(std::move(*run));
    }
  }
  return r;
}

Result<std::unique_ptr<TrackerLease>> TrackerLease::acquire(tracker::Tracker& tracker,
                                                            const std::string& epic,
                                                            LeaseOptions options) {
  if (!options.now) options.now = [] { return Clock::now(); };
  if (!options.sleep) {
    options.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  auto current = tracker.get_property(epic, kLeaseProperty);
  if (!current) return current.error();
  std::optional<LeaseRecord> previous;
  std::vector<RunRecord> runs;  // the run record, carried forward
  if (*current) {
    // A lease that is not epicsync's, was released, or has expired, is taken over.
    previous = lease_from_json(**current);
    if (previous && !previous->released && previous->expires > options.now() &&
        !dead_here(*previous)) {
      return held_by(epic, *previous);
    }
    if (previous && !previous->released) previous->created_ids.clear();
    if (previous) runs = previous->runs;
  }
  LeaseRecord mine;
  mine.holder = this_user();
  mine.host = this_host();
  mine.pid = static_cast<long>(::getpid());
  mine.token = random_token();
  mine.mode = options.mode;
  mine.acquired = options.now();
  mine.expires = mine.acquired + options.ttl;
  mine.run = make_run_id(mine.acquired, mine.token);
  RunRecord run;
  run.id = mine.run;
  run.mode = options.mode;
  run.user = mine.holder;
  run.host = mine.host;
  run.account = options.account;
  run.started = mine.acquired + options.clock_offset;
  runs.push_back(std::move(run));
  if (runs.size() > kRunsKept) runs.erase(runs.begin(), runs.end() - kRunsKept);
  mine.runs = std::move(runs);
  const auto sent = std::chrono::steady_clock::now();
  if (auto put = tracker.set_property(epic, kLeaseProperty, lease_to_json(mine)); !put) {
    return put.error();
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - sent);
  // Another run that read "free" when we did has written its lease by now; the one left is the
  // last writer's, and only that run goes on.
  options.sleep(std::clamp(4 * took, options.min_settle, options.max_settle));
  auto back = tracker.get_property(epic, kLeaseProperty);
  if (!back) return back.error();
  auto winner = *back ? lease_from_json(**back) : std::nullopt;
  if (!winner || winner->token != mine.token) {
    if (winner) return held_by(epic, *winner);
    return Error{ErrorKind::kLocked,
                 "epic " + epic +
                     " is being changed by another epicsync run (its lease on the "
                     "epic changed while this run took it)",
                 "wait for that run to finish, then run the same command again"};
  }
  std::unique_ptr<TrackerLease> lease(
      new TrackerLease(tracker, epic, std::move(options), std::move(mine)));
  if (previous && previous->released) lease->previous_ = std::move(previous);
  lease->renewer_ = std::thread([l = lease.get()] { l->renew_loop(); });
  return lease;
}

TrackerLease::TrackerLease(tracker::Tracker& tracker, std::string epic, LeaseOptions options,
                           LeaseRecord record)
    : tracker_(tracker),
      epic_(std::move(epic)),
      options_(std::move(options)),
      record_(std::move(record)) {}

TrackerLease::~TrackerLease() {
  (void)release();
}

void TrackerLease::renew_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (cv_.wait_for(lock, options_.renew_every, [this] { return stopping_; })) return;
    lock.unlock();
    auto back = tracker_.get_property(epic_, kLeaseProperty);
    bool renewed = false;
    if (back) {
      auto seen = *back ? lease_from_json(**back) : std::nullopt;
      if (!seen || seen->token != record_.token) {
        // Taken over (we were too slow to renew, or someone removed it): stop writing.
        lost_ = true;
        return;
      }
      LeaseRecord next = record_;
      next.expires = options_.now() + options_.ttl;
      if (tracker_.set_property(epic_, kLeaseProperty, lease_to_json(next))) {
        record_.expires = next.expires;
        renewed = true;
      }
    }
    // A renewal that failed is tried again; past the expiry another run may take the epic.
    if (!renewed && options_.now() + options_.renew_every >= record_.expires) lost_ = true;
    lock.lock();
  }
}

bool TrackerLease::release(const std::vector<std::string>& created_ids,
                           const std::optional<RunSummary>& summary) {
  {
    std::lock_guard lock(mu_);
    if (released_) return true;
    released_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (lost_) return true;
  // Only our own lease is removed; one that another run took over is theirs.
  auto back = tracker_.get_property(epic_, kLeaseProperty);
  if (!back) return false;
  if (!*back) return true;
  auto seen = lease_from_json(**back);
  if (!seen || seen->token != record_.token || seen->released) return true;
  LeaseRecord done = record_;
  done.released = options_.now();
  for (auto it = done.runs.begin(); it != done.runs.end(); ++it) {
    if (it->id != done.run) continue;
    if (!summary) {
      done.runs.erase(it);  // it wrote nothing: no run to record
      break;
    }
    it->finished = *done.released + options_.clock_offset;
    it->outcome = summary->outcome;
    it->backup = summary->backup;
    it->counts = summary->counts;
    break;
  }
  done.created_ids = created_ids;
  // A value has a 32 KB limit: past a few thousand ids the next run waits out the lag instead.
  if (done.created_ids.size() > 2000) {
    done.created_ids.clear();
    done.created_truncated = true;
  }
  return tracker_.set_property(epic_, kLeaseProperty, lease_to_json(done)).ok();
}

}  // namespace epicsync::sync
