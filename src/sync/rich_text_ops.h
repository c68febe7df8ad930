#pragma once

#include "plan/planner.h"

namespace epicsync::sync {

// The planner's rich-text comparisons, done by markdown/richtext: canonical ADF on Cloud, wiki
// read back through ADF on Data Center.
plan::RichTextOps rich_text_ops();

}  // namespace epicsync::sync
