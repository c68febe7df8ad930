// --verify-backups: everything that can be checked about a backup without the tracker.
#include <algorithm>

#include "backup/backup_store.h"
#include "backup/sha256.h"
#include "backup/snapshot_json.h"
#include "backup/store_dir.h"

namespace epicsync::backup {
namespace {

void check_files(const BackupInfo& b, VerifyReport& report) {
  for (const auto& f : b.manifest.files) {
    auto content = read_file(b.dir / f.path);
    if (!content) {
      report.problems.push_back(f.path + ": " + content.error().message);
      continue;
    }
    if (content->size() != f.size) {
      report.problems.push_back(f.path + ": size is " + std::to_string(content->size()) +
                                " bytes, the manifest says " + std::to_string(f.size));
      continue;
    }
    std::string actual = sha256_hex(*content);
    if (actual != f.sha256) {
      report.problems.push_back(f.path + ": SHA-256 is " + actual + ", the manifest says " +
                                f.sha256 + " (the file is damaged)");
      continue;
    }
    if (f.path == kSnapshotFile) {
      auto json = nlohmann::json::parse(*content, nullptr, false);
      if (json.is_discarded()) {
        report.problems.push_back(f.path + ": not valid JSON");
      } else if (auto snapshot = snapshot_from_json(json); !snapshot) {
        report.problems.push_back(f.path + ": " + snapshot.error().message);
      }
    }
  }
  bool has_snapshot = std::any_of(b.manifest.files.begin(), b.manifest.files.end(),
                                  [](const ManifestFile& f) { return f.path == kSnapshotFile; });
  if (!has_snapshot) report.problems.push_back("the manifest lists no snapshot.json");
}

void check_journal(const BackupInfo& b, VerifyReport& report) {
  if (b.manifest.journal.empty()) return;
  auto path = b.dir / b.manifest.journal;
  auto journal = read_journal(path);
  if (!journal) {
    report.problems.push_back(b.manifest.journal + ": " + journal.error().message);
    return;
  }
  if (!journal->torn_tail.empty()) {
    report.notes.push_back(b.manifest.journal + ": " + journal->torn_tail);
  }
  auto seal = read_journal_seal(path);
  if (!seal) {
    report.problems.push_back(seal.error().message);
  } else if (!*seal) {
    report.notes.push_back(b.manifest.journal +
                           ": not sealed (its run was interrupted or is still running); " +
                           std::to_string(journal->records.size()) + " records");
  } else {
    auto content = read_file(path);
    if (!content) {
      report.problems.push_back(content.error().message);
    } else if (content->size() != (*seal)->size || sha256_hex(*content) != (*seal)->sha256 ||
               journal->records.size() != (*seal)->records) {
      report.problems.push_back(b.manifest.journal +
                                ": does not match journal.sealed (changed after its run ended)");
    }
  }
}

}  // namespace

Result<std::vector<VerifyReport>> BackupStore::verify(
    const std::optional<std::string>& epic) const {
  auto keys = epics(epic);
  if (!keys) return keys.error();
  std::vector<VerifyReport> reports;
  for (const auto& key : *keys) {
    for (const auto& id : store_dir::backup_ids(options_.root / key)) {
      auto dir = options_.root / key / id;
      VerifyReport report;
      report.backup = {key, id};
      if (!store_dir::has_manifest(dir)) {
        report.status = VerifyReport::Status::kInterrupted;
        report.notes.push_back(store_dir::being_written(dir)
                                   ? "being written by a run in progress"
                                   : "no manifest: an interrupted backup, never usable; the next "
                                     "run removes it");
        reports.push_back(std::move(report));
        continue;
      }
      auto manifest = store_dir::read_manifest(dir);
      if (!manifest) {
        report.problems.push_back(manifest.error().message);
      } else {
        BackupInfo b{dir, std::move(*manifest)};
        check_files(b, report);
        check_journal(b, report);
      }
      if (!report.problems.empty()) report.status = VerifyReport::Status::kFailed;
      reports.push_back(std::move(report));
    }
  }
  return reports;
}

}  // namespace epicsync::backup
