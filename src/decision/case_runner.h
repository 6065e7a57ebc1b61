// RunCase: DecideText's work (aftersales/decide_text.h) with the decision
// appended to a caller's buffer instead of returned, for batches that write
// many cases into one buffer. The one case runner of the library.
#ifndef AFTERSALES_DECISION_CASE_RUNNER_H_
#define AFTERSALES_DECISION_CASE_RUNNER_H_

#include <string>
#include <string_view>

#include "aftersales/decide_text.h"
#include "aftersales/policy.h"

namespace aftersales::internal {

// Reads and decides `text` as DecideText does; appends to `*out` what
// DecideText would put in CaseText::output (nothing when the case was not
// read), and returns the rest (its `output` is left empty). Never throws.
CaseText RunCase(const Policy& policy, std::string_view text, const DecideTextOptions& options, std::string* out);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_CASE_RUNNER_H_
