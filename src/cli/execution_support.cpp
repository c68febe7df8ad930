#include "cli/execution_support.h"

#include <iostream>

namespace epicsync::cli {
std::string JournalLog::record_id(size_t index) const {
  return prefix_ + "op-" + std::to_string(index);
}

bool JournalLog::intent(size_t index, const plan::Operation&) {
  std::lock_guard lock(mu_);
  if (failure_) return false;
  return note(writer_.intent(record_id(index), operations_.at(index)));
}

bool JournalLog::outcome(size_t index, const plan::Operation&, const nlohmann::json& result) {
  std::lock_guard lock(mu_);
  if (failure_) return false;
  return note(writer_.outcome(record_id(index), result));
}

ProgressBar::~ProgressBar() {
  if (drawn_) std::cerr << "\n";
}

void ProgressBar::update(const std::string& label, size_t done, size_t total) {
  if (!enabled_ || total == 0) return;
  std::lock_guard lock(mu_);
  const size_t width = 24;
  const size_t filled = done * width / total;
  std::string bar;
  for (size_t i = 0; i < width; ++i) bar += i < filled ? "\xE2\x94\x81" : " ";
  std::cerr << "\r" << label << " " << bar << " " << (done * 100 / total) << "% " << done << "/"
            << total << "   " << std::flush;
  drawn_ = true;
}

bool confirmed(size_t issues, std::ostream& out) {
  out << "This will modify " << issues << " issue" << (issues == 1 ? "" : "s")
      << " in Jira. Continue? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

}  // namespace epicsync::cli
