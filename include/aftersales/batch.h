// Batch decisions: JSON Lines in, one line out per line in, in input order,
// on all cores, with memory bounded however long the input or any line of
// it is: it is read in chunks of at most `lines_per_chunk` lines and
// `bytes_per_chunk` bytes, with at most 2 chunks per thread (and one more)
// in flight, and a line longer than the policy's Limits::max_case_bytes is
// skipped over without being kept.
//
// A line that cannot be read or decided yields an error object for that
// line, with its number and, when the case gives one, its id:
// `{"line": 7, "case_id": "C-1", "error": "cases.jsonl:7: ..."}` for a line
// that cannot be read (also a blank line, and a line over max_case_bytes),
// the decision's JSON with `"line"` in front (`{"line": 7, "case_id": ...,
// "errors": [...]}`) for a case that cannot be decided. The other lines go
// on. A UTF-8 byte-order mark before the first line is skipped.
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
  std::size_t lines_per_chunk = 512; // lines handed to a thread at once, at most
  std::size_t bytes_per_chunk = 1u << 20;  // bytes of input handed to a thread at once, at most
                                           // (a chunk holds one line at least)
  bool explain = false;              // add the trace to each decision
  bool text = false;                 // DecisionToText instead of JSON
  std::string source_name;           // prefixes error messages ("cases.jsonl")
  // Called from the writing thread after each chunk; may be empty.
  std::function<void(const BatchProgress&)> progress;
};

struct BatchStats {
  std::int64_t lines = 0;     // input lines, blank ones too
  std::int64_t decided = 0;   // lines that gave a decision
  std::int64_t failed = 0;    // lines that gave an error object (blank and too long ones too)
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
