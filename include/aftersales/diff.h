// Policy diff: decide the same cases under a baseline and a candidate
// policy and report what changes: how many decisions, field by field; the
// money that moves; every rule's hits before and after; the cases that
// change most, side by side. This is how a policy change is dry-run on
// historical cases before it goes live.
#ifndef AFTERSALES_DIFF_H_
#define AFTERSALES_DIFF_H_

#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/policy.h"

namespace aftersales {

struct DiffOptions {
  int threads = 0;                 // 0 = one per core
  std::size_t lines_per_chunk = 2048;
  std::size_t top_cases = 25;      // how many changed cases to keep, most changed first
  std::string source_name;         // for messages
};

struct PolicyRef {
  std::string name, version, digest;
};

struct RuleHits {
  std::string rule_id;
  std::int64_t baseline = 0;    // cases in which the rule fired under the baseline
  std::int64_t candidate = 0;   // ... and under the candidate
  bool in_baseline = false;     // the policy has the rule
  bool in_candidate = false;
};

// One case that changed, with both decisions (one-line JSON each).
struct ChangedCase {
  std::int64_t line = 0;
  std::string case_id;
  double score = 0;             // how much it changed (money moved, resolution)
  std::vector<std::string> fields;  // the decision fields that differ
  std::string baseline_json, candidate_json;
};

struct DiffReport {
  PolicyRef baseline, candidate;
  std::int64_t cases = 0;            // non-blank lines
  std::int64_t unreadable = 0;       // lines either policy could not read
  std::int64_t failed_baseline = 0;  // decisions that failed under the baseline
  std::int64_t failed_candidate = 0;
  std::int64_t changed = 0;          // cases whose decision differs in any field
  std::map<std::string, std::int64_t> changed_by_field;  // field -> cases
  std::map<std::pair<std::string, std::string>, std::int64_t> resolution_transitions;  // (old, new) -> cases, changed only
  std::int64_t refund_baseline_cents = 0, refund_candidate_cents = 0;
  std::int64_t merchant_freight_baseline_cents = 0, merchant_freight_candidate_cents = 0;
  std::vector<RuleHits> rules;       // every rule of either policy, in policy order
  std::vector<ChangedCase> top;      // most changed first
  std::vector<std::string> errors;   // a few examples of unreadable or failing lines
};

// Reads JSON Lines from `cases` and decides each under both policies.
// Never throws.
AFTERSALES_EXPORT DiffReport DiffPolicies(const Policy& baseline, const Policy& candidate,
                                          std::istream& cases, const DiffOptions& options = {});

// The summary as JSON (everything but the full decisions of the top cases
// is included; those are too).
AFTERSALES_EXPORT std::string DiffReportToJson(const DiffReport& report, int indent = 2);
// One self-contained HTML page: figures, charts (inline SVG), changed cases.
// Nothing is fetched from the network when it opens.
AFTERSALES_EXPORT std::string DiffReportToHtml(const DiffReport& report);

}  // namespace aftersales

#endif  // AFTERSALES_DIFF_H_
