#include "restore/pending_creates.h"

namespace epicsync::restore {

void CreateHistory::add(const backup::Journal& journal) {
  // A record this epicsync cannot read (a newer one's, say) is passed over, not the journal:
  // every create it can read still counts, so none of them is made again.
  std::vector<std::string> skipped;
  auto ops = backup::journal_ops(journal, &skipped);
  if (!ops) return;
  for (const auto& op : *ops) {
    // A later run (a rollback) deleted it: search is right not to show it.
    if (op.intent.kind == backup::WriteKind::kDeleteIssue) created.erase(op.intent.issue);
    if (!op.intent.creates()) continue;
    const std::string identity = op.intent.sent_text("identity");
    if (identity.empty()) continue;
    sent.insert(identity);
    if (op.outcome && op.outcome->outcome == backup::Outcome::kDone && !op.outcome->key.empty()) {
      created[op.outcome->key] = {op.outcome->id, op.outcome_at};
    }
    // Done or refused settles it; only an unknown outcome leaves it open.
    if (op.open()) {
      open[identity] = op.intent_at;
    } else {
      open.erase(identity);
    }
  }
}

}  // namespace epicsync::restore
