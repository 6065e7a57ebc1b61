// Batch decisions: JSON Lines in, one decision per line out, in input order,
// on all cores, with memory bounded however long the input is (it is read
// and written in chunks, with a fixed number of chunks in flight).
//
// A line that cannot be read or decided yields an error object for that
// line (`{"line": 7, "error": "..."}`) and the other lines go on.
#ifndef AFTERSALES_BATCH_H_
#define AFTERSALES_BATCH_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "aftersales/export.h"
#include "aftersales/policy.h"

namespace aftersales {

struct BatchProgress {
  std::int64_t lines_done = 0;
  std::int64_t bytes_read = 0;
};

struct BatchOptions {
  int threads = 0;                   // deciding threads; 0 = one per core
  std::size_t lines_per_chunk = 512; // lines handed to a thread at once
  bool explain = false;              // add the trace to each decision
  bool text = false;                 // DecisionToText instead of JSON
  std::string source_name;           // prefixes error messages ("cases.jsonl")
  // Called from the writing thread after each chunk; may be empty.
  std::function<void(const BatchProgress&)> progress;
};

struct BatchStats {
  std::int64_t lines = 0;     // non-blank input lines
  std::int64_t decided = 0;   // lines that gave a decision
  std::int64_t failed = 0;    // lines that gave an error object
  bool stopped = false;       // `write` returned false (e.g. a closed pipe)
  bool read_error = false;    // the input stream failed
};

// Reads `in` to its end. `write` receives complete output lines (one or
// more, each ending in '\n'), in input order; returning false stops the
// batch cleanly: no line is half-written. Never throws.
AFTERSALES_EXPORT BatchStats DecideJsonLines(const Policy& policy, std::istream& in,
                                             const std::function<bool(std::string_view)>& write,
                                             const BatchOptions& options = {});

}  // namespace aftersales

#endif  // AFTERSALES_BATCH_H_
