#pragma once

#include "pull/epic_writer.h"

namespace epicsync::pull {

// The real TextWriter: ADF (Cloud) or wiki markup (Data Center, read through ADF) written as
// lossless markdown (docs/rich-text.md), compared as a sync compares.
TextWriter text_writer();

}  // namespace epicsync::pull
