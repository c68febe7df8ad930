#include "error.h"

namespace epicsync {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInternal:
      return 1;
    case ErrorKind::kUsage:
      return 2;
    case ErrorKind::kInputFile:
      return 3;
    case ErrorKind::kUnreachable:
      return 4;
    case ErrorKind::kAuth:
      return 5;
    case ErrorKind::kInvalidMarkdown:
      return 6;
    case ErrorKind::kNotFound:
      return 7;
    case ErrorKind::kRejected:
      return 8;
    case ErrorKind::kLocked:
      return 9;
    case ErrorKind::kConflict:
      return 10;
    case ErrorKind::kStalePlan:
      return 11;
    case ErrorKind::kLocalStorage:
      return 12;
    case ErrorKind::kUnknownOutcome:
    case ErrorKind::kPartial:
      return 64;
    case ErrorKind::kCancelled:
      return 80;
    case ErrorKind::kInterrupted:
      return 130;
  }
  return 1;
}

const char* error_id(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInternal:
      return "internal";
    case ErrorKind::kUsage:
      return "usage";
    case ErrorKind::kInputFile:
      return "input_file";
    case ErrorKind::kUnreachable:
      return "unreachable";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kInvalidMarkdown:
      return "invalid_markdown";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kRejected:
      return "rejected";
    case ErrorKind::kLocked:
      return "locked";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kStalePlan:
      return "stale_plan";
    case ErrorKind::kLocalStorage:
      return "local_storage";
    case ErrorKind::kUnknownOutcome:
      return "outcome_unknown";
    case ErrorKind::kPartial:
      return "partial";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kInterrupted:
      return "interrupted";
  }
  return "internal";
}

}  // namespace epicsync
