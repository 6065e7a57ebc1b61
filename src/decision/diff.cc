// DiffPolicies: every case decided under two policies, compared field by
// field. Lines are read in chunks; each chunk is decided on all cores and
// folded into the report before the next is read, so memory stays flat.
#include "aftersales/diff.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "decision/case_runner.h"
#include "decision/line_reader.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {
namespace {

bool SameValue(const FieldValue& a, const FieldValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case FieldValue::Kind::kAbsent:
    case FieldValue::Kind::kNull: return true;
    case FieldValue::Kind::kBool: return a.bool_value == b.bool_value;
    case FieldValue::Kind::kInt: return a.int_value == b.int_value;
    case FieldValue::Kind::kUint: return a.uint_value == b.uint_value;
    case FieldValue::Kind::kDouble: return a.double_value == b.double_value;
    case FieldValue::Kind::kString: return a.string_value == b.string_value;
    case FieldValue::Kind::kList:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!SameValue(a.items[i], b.items[i])) return false;
      }
      return true;
  }
  return false;
}

std::int64_t IntField(const Decision& d, std::string_view name) {
  const FieldValue* v = d.Find(name);
  return v && v->kind == FieldValue::Kind::kInt ? v->int_value : 0;
}

std::string StrField(const Decision& d, std::string_view name) {
  const FieldValue* v = d.Find(name);
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "";
}

struct LineResult {
  std::int64_t line = 0;
  std::string read_error;  // non-empty: either policy could not read it
  Decision before, after;
  std::vector<std::string> changed;  // the fields that differ ("outcome" first)
};

// The fields whose values differ, worked out on the deciding thread. Two
// policies with the same fields in the same order (the usual case) are
// compared pairwise; otherwise by name.
std::vector<std::string> ChangedFields(const Decision& before, const Decision& after) {
  std::vector<std::string> changed;
  if (before.ok() != after.ok()) changed.push_back("outcome");
  static const FieldValue kAbsent;
  bool same_layout = before.fields.size() == after.fields.size();
  for (std::size_t i = 0; same_layout && i < before.fields.size(); ++i) {
    same_layout = before.fields[i].first == after.fields[i].first;
  }
  if (same_layout) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < before.fields.size(); ++i) {
      if (!SameValue(before.fields[i].second, after.fields[i].second)) names.push_back(before.fields[i].first);
    }
    std::sort(names.begin(), names.end());  // the order the by-name path gives
    changed.insert(changed.end(), names.begin(), names.end());
    return changed;
  }
  std::set<std::string> names;
  for (const auto& [name, _] : before.fields) names.insert(name);
  for (const auto& [name, _] : after.fields) names.insert(name);
  for (const std::string& name : names) {
    const FieldValue* a = before.Find(name);
    const FieldValue* b = after.Find(name);
    if (!SameValue(a ? *a : kAbsent, b ? *b : kAbsent)) changed.push_back(name);
  }
  return changed;
}

void DecideRange(const Policy& baseline, const Policy& candidate, const std::vector<std::string>& lines,
                 const std::vector<std::int64_t>& numbers, std::size_t from, std::size_t to,
                 std::vector<LineResult>* out) {
  for (std::size_t i = from; i < to; ++i) {
    LineResult& r = (*out)[i];
    r.line = numbers[i];
    // Read by both (each policy reads the case its own way), then compared.
    internal::DecidedCase before = internal::DecideCase(baseline, lines[i], {});
    internal::DecidedCase after = before.outcome == CaseText::Outcome::kNotRead
                                      ? internal::DecidedCase()
                                      : internal::DecideCase(candidate, lines[i], {});
    if (!before.facts || !after.facts) {
      // Not read by one of them, or it failed beyond its decision (no memory).
      const internal::DecidedCase& failed = !before.facts ? before : after;
      r.read_error = "line " + std::to_string(r.line) + ": " + (failed.errors.empty() ? "" : failed.errors[0]);
      continue;
    }
    r.before = std::move(before.decision);
    r.after = std::move(after.decision);
    r.changed = ChangedFields(r.before, r.after);
  }
}

class Differ {
 public:
  Differ(const Policy& baseline, const Policy& candidate, const DiffOptions& options)
      : baseline_(baseline), candidate_(candidate), options_(options) {
    report_.baseline = {baseline.name(), baseline.version(), baseline.digest()};
    report_.candidate = {candidate.name(), candidate.version(), candidate.digest()};
    int n = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    threads_ = std::max(1, std::min(n, 64));
  }

  DiffReport Run(std::istream& in) {
    std::vector<std::string> lines;
    std::vector<std::int64_t> numbers;
    std::string line;
    std::int64_t n = 0;
    const std::size_t chunk = std::max<std::size_t>(1, options_.lines_per_chunk);
    // Lines over either policy's max_case_bytes are not kept (each is
    // unreadable, named); a chunk is bounded in bytes too, so memory stays
    // flat whatever the input.
    const std::size_t max_line = std::max(internal::PolicyInternal::Impl(baseline_).model().limits.max_case_bytes,
                                          internal::PolicyInternal::Impl(candidate_).model().limits.max_case_bytes);
    constexpr std::size_t kChunkBytes = 8u << 20;
    std::size_t chunk_bytes = 0;
    internal::LineReader reader(in, max_line);
    bool too_long = false;
    std::uint64_t length = 0;
    while (reader.Next(&line, &too_long, &length)) {
      ++n;
      if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a byte-order mark
      if (!too_long && line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (too_long) {
        Flush(&lines, &numbers);  // the lines before it first, in order
        chunk_bytes = 0;
        ++report_.cases;
        ++report_.unreadable;
        Note("line " + std::to_string(n) + ": the line is " + std::to_string(length) + " bytes; the limit is " +
             std::to_string(max_line) + " (max_case_bytes)");
        continue;
      }
      chunk_bytes += line.size();
      lines.push_back(std::move(line));
      numbers.push_back(n);
      if (lines.size() >= chunk || chunk_bytes >= kChunkBytes) {
        Flush(&lines, &numbers);
        chunk_bytes = 0;
      }
    }
    Flush(&lines, &numbers);
    Finish();
    return std::move(report_);
  }

 private:
  void Flush(std::vector<std::string>* lines, std::vector<std::int64_t>* numbers) {
    if (lines->empty()) return;
    std::vector<LineResult> results(lines->size());
    std::vector<std::thread> workers;
    const std::size_t per = (lines->size() + threads_ - 1) / threads_;
    for (std::size_t from = 0; from < lines->size(); from += per) {
      std::size_t to = std::min(lines->size(), from + per);
      workers.emplace_back(DecideRange, std::cref(baseline_), std::cref(candidate_), std::cref(*lines),
                           std::cref(*numbers), from, to, &results);
    }
    for (std::thread& t : workers) t.join();
    for (LineResult& r : results) Fold(r);
    lines->clear();
    numbers->clear();
  }

  void Note(std::string error) {
    if (report_.errors.size() < 20) report_.errors.push_back(std::move(error));
  }

  void Fold(LineResult& r) {
    ++report_.cases;
    if (!r.read_error.empty()) {
      ++report_.unreadable;
      Note(r.read_error);
      return;
    }
    for (const std::string& id : r.before.matched_rules) ++hits_before_[id];
    for (const std::string& id : r.after.matched_rules) ++hits_after_[id];
    if (!r.before.ok()) {
      ++report_.failed_baseline;
      Note("line " + std::to_string(r.line) + " (baseline): " + r.before.errors.front().message);
    }
    if (!r.after.ok()) {
      ++report_.failed_candidate;
      Note("line " + std::to_string(r.line) + " (candidate): " + r.after.errors.front().message);
    }
    report_.refund_baseline_cents += IntField(r.before, "refund_cents");
    report_.refund_candidate_cents += IntField(r.after, "refund_cents");
    report_.merchant_freight_baseline_cents += IntField(r.before, "freight.merchant_cents");
    report_.merchant_freight_candidate_cents += IntField(r.after, "freight.merchant_cents");

    const std::vector<std::string>& changed = r.changed;
    if (changed.empty()) return;
    ++report_.changed;
    for (const std::string& f : changed) ++report_.changed_by_field[f];
    std::string from = r.before.ok() ? StrField(r.before, "resolution") : "(error)";
    std::string to = r.after.ok() ? StrField(r.after, "resolution") : "(error)";
    if (from != to) ++report_.resolution_transitions[{from, to}];

    ChangedCase c;
    c.line = r.line;
    c.case_id = r.after.case_id.empty() ? r.before.case_id : r.after.case_id;
    c.fields = changed;
    c.score = (from != to ? 1e12 : 0) +
              std::fabs(static_cast<double>(IntField(r.after, "refund_cents") - IntField(r.before, "refund_cents"))) +
              std::fabs(static_cast<double>(IntField(r.after, "freight.merchant_cents") -
                                            IntField(r.before, "freight.merchant_cents"))) +
              static_cast<double>(changed.size());
    if (top_.size() >= options_.top_cases && !top_.empty() && c.score <= top_.back().score) return;
    c.baseline_json = DecisionToJson(r.before);
    c.candidate_json = DecisionToJson(r.after);
    top_.push_back(std::move(c));
    std::stable_sort(top_.begin(), top_.end(),
                     [](const ChangedCase& x, const ChangedCase& y) { return x.score > y.score; });
    if (top_.size() > options_.top_cases) top_.pop_back();
  }

  void Finish() {
    report_.top = std::move(top_);
    std::set<std::string> seen;
    auto add = [&](const std::vector<std::string>& ids, bool candidate_side) {
      for (const std::string& id : ids) {
        auto it = std::find_if(report_.rules.begin(), report_.rules.end(),
                               [&](const RuleHits& h) { return h.rule_id == id; });
        if (it == report_.rules.end()) {
          report_.rules.push_back(RuleHits{id, hits_before_[id], hits_after_[id], false, false});
          it = report_.rules.end() - 1;
        }
        (candidate_side ? it->in_candidate : it->in_baseline) = true;
      }
    };
    add(baseline_.rule_ids(), false);
    add(candidate_.rule_ids(), true);
  }

  const Policy& baseline_;
  const Policy& candidate_;
  const DiffOptions& options_;
  int threads_ = 1;
  DiffReport report_;
  std::map<std::string, std::int64_t> hits_before_, hits_after_;
  std::vector<ChangedCase> top_;
};

}  // namespace

DiffReport DiffPolicies(const Policy& baseline, const Policy& candidate, std::istream& cases,
                        const DiffOptions& options) {
  try {
    return Differ(baseline, candidate, options).Run(cases);
  } catch (const std::exception& e) {
    DiffReport r;
    r.errors.push_back(std::string("internal error: ") + e.what());
    return r;
  }
}

}  // namespace aftersales
