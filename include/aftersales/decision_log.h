// DecisionLog: an optional audit sink that appends every decision as one
// JSON line (JSON Lines):
//
//   {"time":"2026-11-20T06:03:00Z","case_id":"C-1",
//    "policy":{"name":"...","version":"...","digest":"sha256:..."},
//    "decision":{...as DecisionToJson gives it...},
//    "rules_fired":["defect_in_7_days", ...]}
//
// Customer-identifying data is masked unless the caller turns masking off:
// every fact the policy marks `personal: true`, of any type, is replaced
// wherever the line shows it by "****" plus the last 4 characters shown when
// there are at least 8, else by "***": in the script text where the script
// put it (as its format spec rendered it: {phone:.7}, money, dates); the
// case id whole when its fact is personal; in decision fields and error
// messages where a rendering of it stands as a whole word or number (a
// short value never masks part of other text). Time linear in the line;
// past 64 KiB of personal values, those strings are masked whole.
// docs/embedding.md has the details.
//
//   auto log = aftersales::DecisionLog::OpenFile("decisions.jsonl", {});
//   if (log.ok()) (*log)->Append(*policy, facts, decision);
#ifndef AFTERSALES_DECISION_LOG_H_
#define AFTERSALES_DECISION_LOG_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "aftersales/decision.h"
#include "aftersales/export.h"
#include "aftersales/facts.h"
#include "aftersales/policy.h"
#include "aftersales/result.h"
#include "aftersales/status.h"

namespace aftersales {

struct DecisionLogOptions {
  // Mask the values of personal facts. Turn off only where the log is as
  // protected as the order database.
  bool mask_personal = true;
  // The time stamped on each line, RFC 3339 UTC. Empty: the system clock,
  // e.g. "2026-11-20T06:03:00.123Z". Set it in tests.
  std::function<std::string()> now;
};

class AFTERSALES_EXPORT DecisionLog {
 public:
  // Appends to the file at `path`, creating it when absent. IoError when it
  // cannot be opened.
  static Result<std::unique_ptr<DecisionLog>> OpenFile(std::string path, DecisionLogOptions options);

  // Lines go to `writer`, one call per line with its '\n'. The writer returns
  // false when it could not write; Append then gives IoError. Calls to the
  // writer never overlap.
  DecisionLog(std::function<bool(std::string_view)> writer, DecisionLogOptions options);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Writes one line for `decision`, which `policy` made from `facts`.
  // Thread-safe; each line is written whole. InvalidArgument when `facts`
  // was not read by `policy`.
  Status Append(const Policy& policy, const Facts& facts, const Decision& decision);

  // The line Append would write, without its '\n'. For callers that route
  // lines themselves.
  Result<std::string> FormatLine(const Policy& policy, const Facts& facts, const Decision& decision) const;

 private:
  std::function<bool(std::string_view)> writer_;
  DecisionLogOptions options_;
  std::mutex mu_;
};

// The mask for one personal value, as the log writes it.
AFTERSALES_EXPORT std::string MaskPersonalValue(std::string_view value);

}  // namespace aftersales

#endif  // AFTERSALES_DECISION_LOG_H_
