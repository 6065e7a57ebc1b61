// DiffPolicies: every case decided under two policies, compared field by
// field. The calling thread reads the cases in chunks of lines; while it
// reads the next chunk, worker threads decide the current one under both
// policies and fold their share of it into partial reports, which are
// merged in input order: the report is the same whatever the number of
// threads, and memory stays flat (two chunks at most).
//
// Deciding for a diff builds no Decision: the engine's values are compared
// slot by slot (PolicyImpl::DecideValues), rules are counted by pointer and
// fields by their place in a plan made once per pair of policies. Only a
// case that makes the report's list of most-changed cases is decided again
// in full, for its JSON.
#include "aftersales/diff.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decision/line_reader.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {
namespace {

using internal::EngineDecision;
using internal::PolicyImpl;
using internal::Rule;
using internal::Value;

// At most this many example errors in a report.
constexpr std::size_t kMaxNotes = 20;

// One non-blank input line as the reader kept it.
struct Line {
  std::int64_t number = 0;
  std::string text;            // the case; empty when the line is too long
  std::uint64_t too_long = 0;  // the line's length when over the limit, else 0
};

// How the decisions of two policies (or platform overlays) line up: every
// decision field of either, sorted by name (the order a report lists
// changed fields in), with its slot in each.
struct Plan {
  struct Field {
    std::string name;
    std::optional<std::uint32_t> before, after;
  };
  // The slot of a field of one side by name, as Decision::Find finds it.
  struct Named {
    std::optional<std::uint32_t> slot;
    bool money = false;
  };
  const PolicyImpl* before = nullptr;
  const PolicyImpl* after = nullptr;
  std::vector<Field> fields;
  std::vector<std::int64_t> changed;  // cases in which each field changed
  // The fields the report sums or names, by side (0 before, 1 after).
  Named refund[2], merchant[2], resolution[2];
};

Plan::Named NamedField(const PolicyImpl& p, const char* name) {
  const internal::Schema& schema = p.model().schema;
  auto it = schema.decision_index.find(name);
  if (it == schema.decision_index.end()) return {};
  return {it->second, schema.decisions[it->second].money};
}

Plan MakePlan(const PolicyImpl* before, const PolicyImpl* after) {
  Plan plan;
  plan.before = before;
  plan.after = after;
  for (const auto* side : {before, after}) {
    for (const internal::FieldDecl& f : side->model().schema.decisions) {
      auto it = std::lower_bound(plan.fields.begin(), plan.fields.end(), f.name,
                                 [](const Plan::Field& x, const std::string& name) { return x.name < name; });
      if (it == plan.fields.end() || it->name != f.name) it = plan.fields.insert(it, Plan::Field{f.name, {}, {}});
      // The first field of a name is the one a Decision's Find gives.
      std::optional<std::uint32_t>& slot = side == before ? it->before : it->after;
      if (!slot) slot = f.slot;
    }
  }
  plan.changed.assign(plan.fields.size(), 0);
  for (int side = 0; side < 2; ++side) {
    const PolicyImpl& p = side == 0 ? *before : *after;
    plan.refund[side] = NamedField(p, "refund_cents");
    plan.merchant[side] = NamedField(p, "freight.merchant_cents");
    plan.resolution[side] = NamedField(p, "resolution");
  }
  return plan;
}

// A decision field as Decision::Find gives it: absent when the policy
// lacks it or the decision failed (a failed decision has no fields).
FieldValue FieldOf(const EngineDecision& d, const Plan::Named& f) {
  if (!d.ok() || !f.slot || *f.slot >= d.values.size()) return {};
  return internal::DecidedField(d.values[*f.slot], f.money);
}

std::int64_t IntOf(const EngineDecision& d, const Plan::Named& f) {
  if (!d.ok() || !f.slot || *f.slot >= d.values.size()) return 0;
  const Value& v = d.values[*f.slot];
  return v.kind() == Value::Kind::kInt ? v.int_value() : 0;
}

std::string StrOf(const EngineDecision& d, const Plan::Named& f) {
  FieldValue v = FieldOf(d, f);
  return v.kind == FieldValue::Kind::kString ? v.string_value : "";
}

// Most changed first; among equals, the earlier line.
bool MoreChanged(const ChangedCase& x, const ChangedCase& y) {
  if (x.score != y.score) return x.score > y.score;
  return x.line < y.line;
}

// What one worker found in its share of a chunk.
struct Partial {
  std::int64_t cases = 0, unreadable = 0, failed_baseline = 0, failed_candidate = 0, changed = 0;
  std::int64_t outcome_changed = 0;
  std::int64_t refund_baseline = 0, refund_candidate = 0, merchant_baseline = 0, merchant_candidate = 0;
  std::unordered_map<const Rule*, std::int64_t> hits_before, hits_after;
  std::vector<Plan> plans;
  std::map<std::pair<std::string, std::string>, std::int64_t> transitions;
  std::vector<ChangedCase> top;  // MoreChanged order, at most top_cases
  std::vector<std::string> notes;
  std::exception_ptr failed;     // what stopped the worker, if anything

  void Note(std::string note) {
    if (notes.size() < kMaxNotes) notes.push_back(std::move(note));
  }
};

class Worker {
 public:
  Worker(const Policy& baseline, const Policy& candidate, const DiffOptions& options, std::size_t max_line,
         Partial* out)
      : baseline_(baseline), candidate_(candidate), options_(options), max_line_(max_line), p_(*out) {}

  void Run(const std::vector<Line>& lines, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const Line& line = lines[i];
      ++p_.cases;
      // A case that cannot be read or decided is named and counted as
      // unreadable; what fails after (folding it in) fails the whole diff.
      bool decided = false;
      try {
        decided = ReadAndDecide(line);
      } catch (const std::bad_alloc&) {
        Unreadable(line, "out of memory while deciding the case");
      } catch (const std::exception& e) {
        Unreadable(line, std::string("internal error while deciding the case: ") + e.what());
      }
      if (decided) Fold(line);
    }
  }

 private:
  void Unreadable(const Line& line, const std::string& why) {
    ++p_.unreadable;
    p_.Note("line " + std::to_string(line.number) + ": " + why);
  }

  // Reads the line with both policies (each reads the case its own way)
  // and decides it under each; false when it is unreadable (named).
  bool ReadAndDecide(const Line& line) {
    facts_before_.reset();
    facts_after_.reset();
    if (line.too_long > 0) {
      Unreadable(line, "the line is " + std::to_string(line.too_long) + " bytes; the limit is " +
                           std::to_string(max_line_) + " (max_case_bytes)");
      return false;
    }
    Result<Facts> before = baseline_.ReadFactsJson(line.text);
    if (!before.ok()) {
      Unreadable(line, before.status().message());
      return false;
    }
    Result<Facts> after = candidate_.ReadFactsJson(line.text);
    if (!after.ok()) {
      Unreadable(line, after.status().message());
      return false;
    }
    facts_before_.emplace(std::move(*before));
    facts_after_.emplace(std::move(*after));
    internal::PolicyInternal::Impl(baseline_).DecideValues(*facts_before_, &before_);
    internal::PolicyInternal::Impl(candidate_).DecideValues(*facts_after_, &after_);
    return true;
  }

  // Adds the line's two decisions to the partial report.
  void Fold(const Line& line) {
    const EngineDecision& a = before_;
    const EngineDecision& b = after_;
    for (const Rule* rule : a.matched) ++p_.hits_before[rule];
    for (const Rule* rule : b.matched) ++p_.hits_after[rule];
    if (!a.ok()) {
      ++p_.failed_baseline;
      p_.Note("line " + std::to_string(line.number) + " (baseline): " + a.errors.front().message);
    }
    if (!b.ok()) {
      ++p_.failed_candidate;
      p_.Note("line " + std::to_string(line.number) + " (candidate): " + b.errors.front().message);
    }
    Plan& plan = PlanFor(a, b);
    const std::int64_t refund_a = IntOf(a, plan.refund[0]), refund_b = IntOf(b, plan.refund[1]);
    const std::int64_t merchant_a = IntOf(a, plan.merchant[0]), merchant_b = IntOf(b, plan.merchant[1]);
    p_.refund_baseline += refund_a;
    p_.refund_candidate += refund_b;
    p_.merchant_baseline += merchant_a;
    p_.merchant_candidate += merchant_b;

    // The fields that differ ("outcome" first when one decision failed).
    static const Value kAbsent;
    changed_.clear();
    for (std::size_t i = 0; i < plan.fields.size(); ++i) {
      const Plan::Field& f = plan.fields[i];
      const Value& x = a.ok() && f.before ? a.values[*f.before] : kAbsent;
      const Value& y = b.ok() && f.after ? b.values[*f.after] : kAbsent;
      if (!internal::SameDecidedField(x, y)) changed_.push_back(i);
    }
    const bool outcome = a.ok() != b.ok();
    if (!outcome && changed_.empty()) return;
    ++p_.changed;
    if (outcome) ++p_.outcome_changed;
    for (std::size_t i : changed_) ++plan.changed[i];
    const std::string from = a.ok() ? StrOf(a, plan.resolution[0]) : "(error)";
    const std::string to = b.ok() ? StrOf(b, plan.resolution[1]) : "(error)";
    if (from != to) ++p_.transitions[{from, to}];

    const double score = (from != to ? 1e12 : 0) + std::fabs(static_cast<double>(refund_b - refund_a)) +
                         std::fabs(static_cast<double>(merchant_b - merchant_a)) +
                         static_cast<double>(changed_.size() + (outcome ? 1 : 0));
    if (options_.top_cases == 0) return;
    if (p_.top.size() >= options_.top_cases && score <= p_.top.back().score) return;
    ChangedCase c;
    c.line = line.number;
    c.score = score;
    if (outcome) c.fields.push_back("outcome");
    for (std::size_t i : changed_) c.fields.push_back(plan.fields[i].name);
    // Both decisions in full, as Policy::Decide gives them, for their JSON.
    const Decision full_before = baseline_.Decide(*facts_before_);
    const Decision full_after = candidate_.Decide(*facts_after_);
    c.case_id = full_after.case_id.empty() ? full_before.case_id : full_after.case_id;
    c.baseline_json = DecisionToJson(full_before);
    c.candidate_json = DecisionToJson(full_after);
    p_.top.insert(std::upper_bound(p_.top.begin(), p_.top.end(), c, MoreChanged), std::move(c));
    if (p_.top.size() > options_.top_cases) p_.top.pop_back();
  }

  Plan& PlanFor(const EngineDecision& a, const EngineDecision& b) {
    const PolicyImpl* x = a.decided_by ? a.decided_by : &internal::PolicyInternal::Impl(baseline_);
    const PolicyImpl* y = b.decided_by ? b.decided_by : &internal::PolicyInternal::Impl(candidate_);
    for (Plan& plan : p_.plans) {
      if (plan.before == x && plan.after == y) return plan;
    }
    p_.plans.push_back(MakePlan(x, y));
    return p_.plans.back();
  }

  const Policy& baseline_;
  const Policy& candidate_;
  const DiffOptions& options_;
  const std::size_t max_line_;
  Partial& p_;
  std::optional<Facts> facts_before_, facts_after_;
  EngineDecision before_, after_;   // reused from case to case
  std::vector<std::size_t> changed_;
};

class Differ {
 public:
  Differ(const Policy& baseline, const Policy& candidate, const DiffOptions& options)
      : baseline_(baseline), candidate_(candidate), options_(options) {
    report_.baseline = {baseline.name(), baseline.version(), baseline.digest()};
    report_.candidate = {candidate.name(), candidate.version(), candidate.digest()};
    int n = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    threads_ = static_cast<std::size_t>(std::max(1, std::min(n, 64)));
    // Lines over either policy's max_case_bytes are not kept (each is
    // unreadable, named); a chunk is bounded in bytes too.
    max_line_ = std::max(internal::PolicyInternal::Impl(baseline_).model().limits.max_case_bytes,
                         internal::PolicyInternal::Impl(candidate_).model().limits.max_case_bytes);
  }

  DiffReport Run(std::istream& in) {
    internal::LineReader reader(in, max_line_);
    std::vector<Line> current, next;
    bool more = ReadChunk(&reader, &current);
    while (!current.empty()) {
      // The workers decide this chunk while this thread reads the next.
      const std::size_t per = (current.size() + threads_ - 1) / threads_;
      std::vector<Partial> parts((current.size() + per - 1) / per);
      std::vector<std::thread> workers;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        const std::size_t from = k * per, to = std::min(current.size(), from + per);
        workers.emplace_back([this, &current, &parts, k, from, to] {
          try {
            Worker(baseline_, candidate_, options_, max_line_, &parts[k]).Run(current, from, to);
          } catch (...) {
            parts[k].failed = std::current_exception();  // rethrown once every worker is done
          }
        });
      }
      next.clear();
      std::exception_ptr failed;
      try {
        if (more) more = ReadChunk(&reader, &next);
      } catch (...) {
        failed = std::current_exception();
      }
      for (std::thread& t : workers) t.join();
      if (failed) std::rethrow_exception(failed);
      for (const Partial& part : parts) {
        if (part.failed) std::rethrow_exception(part.failed);
      }
      for (Partial& part : parts) Merge(part);
      std::swap(current, next);
    }
    Finish();
    return std::move(report_);
  }

 private:
  // The next chunk of non-blank lines; false once the input is over.
  bool ReadChunk(internal::LineReader* reader, std::vector<Line>* out) {
    const std::size_t chunk = std::max<std::size_t>(1, options_.lines_per_chunk);
    constexpr std::size_t kChunkBytes = 8u << 20;
    std::size_t bytes = 0;
    bool too_long = false;
    std::uint64_t length = 0;
    while (reader->Next(&line_, &too_long, &length)) {
      ++line_no_;
      if (line_no_ == 1 && line_.rfind("\xEF\xBB\xBF", 0) == 0) line_.erase(0, 3);  // a byte-order mark
      if (!too_long && line_.find_first_not_of(" \t\r") == std::string::npos) continue;
      Line& l = out->emplace_back();
      l.number = line_no_;
      if (too_long) {
        l.too_long = std::max<std::uint64_t>(length, 1);
      } else {
        bytes += line_.size();
        l.text = std::move(line_);
      }
      if (out->size() >= chunk || bytes >= kChunkBytes) return true;
    }
    return false;
  }

  void Merge(Partial& p) {
    report_.cases += p.cases;
    report_.unreadable += p.unreadable;
    report_.failed_baseline += p.failed_baseline;
    report_.failed_candidate += p.failed_candidate;
    report_.changed += p.changed;
    report_.refund_baseline_cents += p.refund_baseline;
    report_.refund_candidate_cents += p.refund_candidate;
    report_.merchant_freight_baseline_cents += p.merchant_baseline;
    report_.merchant_freight_candidate_cents += p.merchant_candidate;
    for (std::string& note : p.notes) {
      if (report_.errors.size() < kMaxNotes) report_.errors.push_back(std::move(note));
    }
    for (const auto& [rule, n] : p.hits_before) hits_before_[rule->id] += n;
    for (const auto& [rule, n] : p.hits_after) hits_after_[rule->id] += n;
    if (p.outcome_changed > 0) report_.changed_by_field["outcome"] += p.outcome_changed;
    for (const Plan& plan : p.plans) {
      for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        if (plan.changed[i] > 0) report_.changed_by_field[plan.fields[i].name] += plan.changed[i];
      }
    }
    for (const auto& [key, n] : p.transitions) report_.resolution_transitions[key] += n;
    for (ChangedCase& c : p.top) {
      if (top_.size() >= options_.top_cases && !MoreChanged(c, top_.back())) break;
      top_.insert(std::upper_bound(top_.begin(), top_.end(), c, MoreChanged), std::move(c));
      if (top_.size() > options_.top_cases) top_.pop_back();
    }
  }

  void Finish() {
    report_.top = std::move(top_);
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
  std::size_t threads_ = 1;
  std::size_t max_line_ = 0;
  std::string line_;
  std::int64_t line_no_ = 0;
  DiffReport report_;
  std::map<std::string, std::int64_t> hits_before_, hits_after_;
  std::vector<ChangedCase> top_;  // MoreChanged order
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
