#pragma once

#include <map>
#include <set>
#include <string>

#include "backup/journal_record.h"

namespace epicsync::restore {

// What the journals say of epicsync's creates, for the next sync of the epic: which identities
// it ever sent a create for (so two issues carrying one are both its own), and which creates
// are still open (no answer, or an answer that confirmed nothing), with when they were sent.
struct CreateHistory {
  std::set<std::string> sent;                     // identities with a create intent
  std::map<std::string, backup::TimePoint> open;  // identity → latest unconfirmed intent
  struct Created {
    std::string id;  // the tracker's issue id, for search's reconcileIssues
    backup::TimePoint at;
  };
  std::map<std::string, Created> created;  // key → a confirmed create not deleted since

  // Records that cannot be read (a newer version's) are passed over; the rest count.
  void add(const backup::Journal& journal);
};

}  // namespace epicsync::restore
