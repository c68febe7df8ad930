#include "restore/pending_creates.h"

namespace epicsync::restore {

void CreateHistory::add(const backup::Journal& journal) {
  std::map<std::string, std::string> identity_of_op;
  for (const auto& r : journal.records) {
    if (!r.data.is_object()) continue;
    if (r.phase == backup::Phase::kIntent) {
      const std::string kind = r.data.value("kind", "");
      // A later run (a rollback) deleted it: search is right not to show it.
      if (kind == "delete_issue") created.erase(r.data.value("issue", ""));
      if (kind != "create_story" && kind != "create_subtask") continue;
      const auto sent_fields = r.data.value("sent", nlohmann::json::object());
      const std::string identity =
          sent_fields.is_object() ? sent_fields.value("identity", "") : std::string();
      if (identity.empty()) continue;
      identity_of_op[r.op] = identity;
      sent.insert(identity);
      open[identity] = r.at;
      continue;
    }
    auto it = identity_of_op.find(r.op);
    if (it == identity_of_op.end()) continue;
    if (r.data.value("ok", false) && !r.data.value("unknown", false)) {
      const std::string key = r.data.value("key", "");
      if (!key.empty()) created[key] = {r.data.value("id", ""), r.at};
    }
    const bool unknown = r.data.value("unknown", false);
    // Done or refused settles it; only an unknown outcome leaves it open.
    if (!unknown) open.erase(it->second);
  }
}

}  // namespace epicsync::restore
