// The linter (aftersales/lint.h): each policy model's stages analysed as
// regions (condition.h), each claim that a case exists proven by one
// (witness.h) that the engine confirms (stage_probe.h).
#include "aftersales/lint.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/format.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "decision/stage_probe.h"
#include "expr/parser.h"
#include "lint/condition.h"
#include "lint/region.h"
#include "lint/witness.h"
#include "policy/policy_builder.h"
#include "policy/yaml_reader.h"

namespace aftersales {

namespace {

using internal::FieldDecl;
using internal::HitPolicy;
using internal::PolicyImpl;
using internal::PolicyModel;
using internal::Program;
using internal::Rule;
using internal::Stage;
using internal::StageProbe;
using internal::Value;
using namespace internal::lint;

// Boxes a region may take while rules are subtracted from it; past it the
// check gives up on that rule (and says nothing).
constexpr std::size_t kWorkLimit = 4096;
// Boxes of a region tried for a witness.
constexpr std::size_t kWitnessTries = 24;
// What building and running one witness counts against the budget.
constexpr std::int64_t kWitnessCost = 50'000;
// Pairs reported per stage for overlap and disagree.
constexpr std::size_t kMaxPairs = 100;

// The names the built-in vocabulary declares (rules/schema.yaml, compiled
// in): exempt from `unused`.
const std::set<std::string>& VocabularyNames() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    internal::YamlDocument doc = internal::ReadYaml(internal::DefaultSchemaYaml(), "<vocabulary>");
    if (!doc.root) return out;
    for (const char* section : {"facts", "decisions"}) {
      if (const internal::YamlNode* m = doc.root->Find(section)) {
        for (const auto& [k, v] : m->entries) out.insert(k.value);
      }
    }
    return out;
  }();
  return names;
}

std::string Kind(const Stage& stage) { return stage.table ? "row" : "rule"; }

std::string Quoted(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += i + 1 == ids.size() ? " and " : ", ";
    out += "'" + ids[i] + "'";
  }
  return out;
}

class ModelLinter {
 public:
  // Lints the rules of `impl` (the policy or one of its overlays), adding
  // to `out`.
  ModelLinter(const PolicyImpl& impl, Budget* budget, std::vector<LintFinding>* out)
      : impl_(impl), m_(impl.model()), atoms_(m_), witnesses_(impl, &atoms_), budget_(budget), out_(out) {}

  // Restricts the cases linted to those whose `slot` fact is one of `words`
  // (absent too, when `absent`).
  void Pin(std::uint32_t slot, const std::vector<int>& words, bool absent) {
    internal::lint::CodeSet set;
    for (int w : words) set = set.Union(internal::lint::CodeSet::Single(w));
    if (absent) set = set.Union(internal::lint::CodeSet::Single(kAbsent));
    const internal::VarDecl* d = m_.schema.declarations.Find(m_.schema.facts[slot].name);
    if (!d) return;
    std::uint32_t atom = atoms_.FieldAtom(*d);
    universe_ = universe_.Intersect(Box::Of(atom, set));
  }

  void Run() {
    Unused();
    MissingLocales();
    for (std::size_t s = 0; s < m_.stages.size(); ++s) {
      LintStage(s);
      if (budget_->spent()) {
        Add(Severity::kWarning, "incomplete",
            fmt::format("lint stopped in stage '{}': its conditions take more analysis than the limit "
                        "allows, so this stage and the ones after it were not fully checked",
                        m_.stages[s].id),
            m_.stages[s].location, {}, nullptr);
        return;
      }
    }
  }

 private:
  void Add(Severity severity, std::string code, std::string message, const SourceLocation& at,
           std::vector<std::string> rules, const Witness* witness) {
    LintFinding f;
    f.severity = severity;
    f.code = std::move(code);
    f.message = std::move(message);
    f.location = at;
    f.rules = std::move(rules);
    if (witness) f.counterexample = witness->json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out_->push_back(std::move(f));
  }

  // Boxes of `region` in the order witnesses are tried: those that leave
  // fewer facts to search first.
  std::vector<const Box*> Candidates(const Region& region) const {
    std::vector<const Box*> boxes;
    for (const Box& b : region.boxes()) boxes.push_back(&b);
    std::stable_sort(boxes.begin(), boxes.end(), [](const Box* a, const Box* b) {
      return a->constraints().size() < b->constraints().size();
    });
    if (boxes.size() > kWitnessTries) boxes.resize(kWitnessTries);
    return boxes;
  }

  // A witness in `region` that `confirm` accepts, with its probe of stage `s`.
  template <typename Confirm>
  std::optional<Witness> Find(const Region& region, std::size_t s, Confirm&& confirm) {
    for (const Box* box : Candidates(region)) {
      if (!budget_->Spend(kWitnessCost)) return std::nullopt;
      std::optional<Witness> w = witnesses_.Build(*box);
      if (!w) continue;
      const internal::FactsData* data = internal::PolicyInternal::Data(w->facts);
      StageProbe probe = internal::ProbeStage(impl_, *data, s);
      if (probe.reached && confirm(probe)) return w;
    }
    return std::nullopt;
  }

  void LintStage(std::size_t s) {
    const Stage& stage = m_.stages[s];
    ConditionAnalyzer an(&atoms_, stage.id, budget_);
    const std::size_t n = stage.rules.size();
    std::vector<Region> t(n);
    std::vector<bool> live(n, true);
    for (std::size_t r = 0; r < n; ++r) {
      const Rule& rule = stage.rules[r];
      if (!rule.when) {
        t[r] = Region(universe_);
        continue;
      }
      Truth truth = an.Analyze(*rule.when);
      if (truth.t.empty()) {
        Unsatisfiable(stage, rule, an);
        live[r] = false;
        continue;
      }
      t[r] = truth.t.Intersect(universe_);
      if (t[r].empty()) live[r] = false;
    }
    switch (stage.hit) {
      case HitPolicy::kFirst:
        Shadowed(s, t, live);
        break;
      case HitPolicy::kUnique:
        Pairs(s, t, live, /*disagree=*/false);
        break;
      case HitPolicy::kAny:
        Pairs(s, t, live, /*disagree=*/true);
        break;
      default:
        break;
    }
    Gap(s, t);
  }

  void Unsatisfiable(const Stage& stage, const Rule& rule, ConditionAnalyzer& an) {
    std::vector<Truth> parts = an.AnalyzeConjuncts(*rule.when);
    const auto& conjuncts = rule.when->conjuncts();
    std::string which;
    if (parts.size() == conjuncts.size() && parts.size() > 1) {
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].t.empty()) {
          which = conjuncts[i].source;
          break;
        }
      }
    }
    std::string what = Kind(stage) + " '" + rule.id + "'";
    std::string message = which.empty()
        ? fmt::format("the condition of {} can never be true, so it never fires", what)
        : fmt::format("'{}' in the condition of {} can never be true, so it never fires", which, what);
    Add(Severity::kError, "unsatisfiable", std::move(message),
        rule.when_location.line ? rule.when_location : rule.location, {rule.id}, nullptr);
  }

  // Rules of a `first` stage that earlier ones cover.
  void Shadowed(std::size_t s, const std::vector<Region>& t, const std::vector<bool>& live) {
    const Stage& stage = m_.stages[s];
    for (std::size_t r = 1; r < t.size(); ++r) {
      if (!live[r]) continue;
      Region rest = t[r];
      std::vector<std::size_t> used;
      bool gave_up = false;
      for (std::size_t j = 0; j < r && !rest.empty(); ++j) {
        if (!live[j] || !budget_->Spend(PairCost(rest, t[j])) || !Meets(rest, t[j])) continue;
        if (!rest.Subtract(t[j], atoms_.universes(), kWorkLimit)) {
          gave_up = true;
          break;
        }
        used.push_back(j);
      }
      if (gave_up || !rest.empty()) continue;
      // A smallest cover: drop each earlier rule the others cover without.
      for (std::size_t k = used.size(); k-- > 0;) {
        Region others_rest = t[r];
        bool covered = true;
        for (std::size_t i = 0; i < used.size() && covered; ++i) {
          if (i == k) continue;
          if (!budget_->Spend(PairCost(others_rest, t[used[i]]))) return;
          covered = others_rest.Subtract(t[used[i]], atoms_.universes(), kWorkLimit);
        }
        if (covered && others_rest.empty()) used.erase(used.begin() + static_cast<std::ptrdiff_t>(k));
      }
      std::optional<Witness> w = Find(t[r], s, [&](const StageProbe& p) {
        if (!p.matched[r]) return false;
        for (std::size_t j = 0; j < r; ++j) {
          if (p.matched[j]) return true;
        }
        return false;
      });
      std::vector<std::string> ids{stage.rules[r].id};
      for (std::size_t j : used) ids.push_back(stage.rules[j].id);
      std::vector<std::string> cover(ids.begin() + 1, ids.end());
      std::string message = fmt::format(
          "{} '{}' can never fire: {} {} {} every case it matches", Kind(stage), stage.rules[r].id,
          cover.size() == 1 ? "the earlier " + Kind(stage) : "the earlier " + Kind(stage) + "s", Quoted(cover),
          cover.size() == 1 ? "matches" : "match");
      Add(Severity::kError, "shadowed", std::move(message), stage.rules[r].location, std::move(ids),
          w ? &*w : nullptr);
    }
  }

  static bool Meets(const Region& a, const Region& b) {
    for (const Box& x : b.boxes()) {
      if (a.Intersects(x)) return true;
    }
    return false;
  }

  // Rows of a unique table that can both match; of an any table, that can
  // both match and set something differently.
  void Pairs(std::size_t s, const std::vector<Region>& t, const std::vector<bool>& live, bool disagree) {
    const Stage& stage = m_.stages[s];
    std::size_t found = 0, more = 0;
    for (std::size_t j = 1; j < t.size(); ++j) {
      if (!live[j]) continue;
      for (std::size_t i = 0; i < j; ++i) {
        if (!live[i] || !budget_->Spend(PairCost(t[i], t[j])) || !Meets(t[i], t[j])) continue;
        if (disagree && SameConstants(stage.rules[i], stage.rules[j])) continue;
        std::optional<Region> both = t[i].Intersect(t[j], kWorkLimit);
        if (!both || both->empty()) continue;
        std::string field;
        std::optional<Witness> w = Find(*both, s, [&](const StageProbe& p) {
          if (!p.matched[i] || !p.matched[j]) return false;
          if (!disagree) return true;
          field = Differs(stage.rules[i], p.outputs[i], stage.rules[j], p.outputs[j]);
          return !field.empty();
        });
        if (disagree && !w) continue;  // never shown to differ
        if (found == kMaxPairs) {
          ++more;
          continue;
        }
        ++found;
        const Rule& a = stage.rules[i];
        const Rule& b = stage.rules[j];
        std::string message =
            disagree ? fmt::format("rows '{}' and '{}' can both match and set '{}' differently (hit: any)", a.id,
                                   b.id, field)
                     : fmt::format("rows '{}' and '{}' can both match (hit: unique allows one)", a.id, b.id);
        Add(Severity::kError, disagree ? "disagree" : "overlap", std::move(message), b.location, {b.id, a.id},
            w ? &*w : nullptr);
      }
    }
    if (more > 0) {
      out_->back().message += fmt::format(" ({} more such pairs in stage '{}' are not listed)", more, stage.id);
    }
  }

  static bool SameConstants(const Rule& a, const Rule& b) {
    for (const internal::Assignment& x : a.then) {
      for (const internal::Assignment& y : b.then) {
        if (x.slot != y.slot) continue;
        if (x.program || y.program) return false;
        if (!internal::ValuesEqual(x.constant, y.constant)) return false;
      }
    }
    return true;
  }

  // The first field both rules set to different values, or "".
  std::string Differs(const Rule& a, const std::vector<Value>& va, const Rule& b,
                      const std::vector<Value>& vb) const {
    for (std::size_t x = 0; x < a.then.size() && x < va.size(); ++x) {
      for (std::size_t y = 0; y < b.then.size() && y < vb.size(); ++y) {
        if (a.then[x].slot != b.then[y].slot) continue;
        if (va[x].is_error() || vb[y].is_error()) continue;
        if (!internal::ValuesEqual(va[x], vb[y])) return m_.schema.decisions[a.then[x].slot].name;
      }
    }
    return "";
  }

  // A stage that alone sets a required field, and cases none of its rules take.
  void Gap(std::size_t s, const std::vector<Region>& t) {
    const Stage& stage = m_.stages[s];
    std::string field;
    for (const Rule& rule : stage.rules) {
      for (const internal::Assignment& a : rule.then) {
        const FieldDecl& f = m_.schema.decisions[a.slot];
        if (f.required && f.default_value.is_absent() && SetOnlyBy(s, a.slot)) field = f.name;
      }
      if (!field.empty()) break;
    }
    if (field.empty()) return;
    Region rest(universe_);
    for (const Region& r : t) {
      if (r.empty()) continue;
      if (!budget_->Spend(PairCost(rest, r))) return;
      if (!rest.Subtract(r, atoms_.universes(), kWorkLimit)) return;
      if (rest.empty()) return;
    }
    std::optional<Witness> w = Find(rest, s, [&](const StageProbe& p) {
      return std::none_of(p.matched.begin(), p.matched.end(), [](bool b) { return b; });
    });
    if (!w) return;
    Add(Severity::kError, "gap",
        fmt::format("no {} of stage '{}' matches some cases, which then get no '{}' (a required field)",
                    Kind(stage), stage.id, field),
        stage.location, {}, &*w);
  }

  bool SetOnlyBy(std::size_t s, std::uint32_t slot) const {
    for (std::size_t o = 0; o < m_.stages.size(); ++o) {
      if (o == s) continue;
      for (const Rule& rule : m_.stages[o].rules) {
        for (const internal::Assignment& a : rule.then) {
          if (a.slot == slot) return false;
        }
      }
    }
    return true;
  }

  // Declarations of the policy's own that nothing reads or sets.
  void Unused() {
    std::vector<bool> fact_read(m_.schema.facts.size(), false);
    std::vector<bool> decision_used(m_.schema.decisions.size(), false);
    std::vector<bool> named_read(m_.named_values.size(), false);
    auto mark = [&](const internal::VarRef& ref) {
      if (ref.space == internal::kFactSpace && ref.slot < fact_read.size()) fact_read[ref.slot] = true;
      if (ref.space == internal::kDecisionSpace && ref.slot < decision_used.size()) decision_used[ref.slot] = true;
      if (ref.space == internal::kNamedValueSpace && ref.slot < named_read.size()) named_read[ref.slot] = true;
    };
    std::map<std::string, std::unique_ptr<ConditionAnalyzer>> scopes;
    auto scope = [&](const std::string& stage) -> ConditionAnalyzer& {
      auto& a = scopes[stage];
      if (!a) a = std::make_unique<ConditionAnalyzer>(&atoms_, stage);
      return *a;
    };
    auto reads = [&](const Program* p, const std::string& stage) {
      if (!p) return;
      for (const internal::VarRef& ref : ReadsOf(*p, scope(stage).declarations())) mark(ref);
    };
    for (const Stage& stage : m_.stages) {
      for (const Rule& rule : stage.rules) {
        reads(rule.when.get(), stage.id);
        for (const internal::Assignment& a : rule.then) {
          decision_used[a.slot] = true;
          reads(a.program.get(), stage.id);
        }
        for (const auto& script : rule.scripts) {
          if (!script) continue;
          for (const internal::TemplatePart& part : script->parts) {
            if (part.is_field) mark(part.ref);
          }
        }
      }
    }
    for (const internal::NamedValue& nv : m_.named_values) reads(nv.program.get(), nv.stage);
    for (const internal::Invariant& inv : m_.invariants) reads(inv.check.get(), "");
    for (const FieldDecl& f : m_.schema.decisions) {
      reads(f.at_most.get(), "");
      reads(f.at_most_unless.get(), "");
    }
    for (const auto& slot : {m_.case_id_fact, m_.locale_fact, m_.timezone_fact}) {
      if (slot) fact_read[*slot] = true;
    }
    if (m_.platforms) fact_read[m_.platforms->fact_slot] = true;
    // A named value read only by named values nobody reads is unused too.
    // (One pass: each read above counted; chains are rare.)
    const auto& vocabulary = VocabularyNames();
    for (const FieldDecl& f : m_.schema.facts) {
      if (!fact_read[f.slot] && !vocabulary.count(f.name)) {
        Add(Severity::kWarning, "unused", fmt::format("fact '{}' is declared but nothing reads it", f.name),
            f.location, {}, nullptr);
      }
    }
    for (const FieldDecl& f : m_.schema.decisions) {
      if (!decision_used[f.slot] && !vocabulary.count(f.name)) {
        Add(Severity::kWarning, "unused",
            fmt::format("decision field '{}' is declared but no rule sets it and nothing reads it", f.name),
            f.location, {}, nullptr);
      }
    }
    for (std::size_t i = 0; i < m_.named_values.size(); ++i) {
      if (!named_read[i]) {
        const internal::NamedValue& nv = m_.named_values[i];
        Add(Severity::kWarning, "unused",
            fmt::format("variable '{}'{} is never used", nv.name,
                        nv.stage.empty() ? "" : " of stage '" + nv.stage + "'"),
            nv.location, {}, nullptr);
      }
    }
  }

  // The declared names `p` reads.
  static std::vector<internal::VarRef> ReadsOf(const Program& p, const internal::Declarations& decls) {
    std::vector<internal::VarRef> out;
    internal::ParseResult parsed = internal::Parse(p.source(), Limits{}.max_expression_depth);
    if (!parsed.expr) return out;
    std::vector<const internal::Expr*> todo{parsed.expr.get()};
    while (!todo.empty()) {
      const internal::Expr* e = todo.back();
      todo.pop_back();
      // The longest declared chain a.b.c rooted at an identifier.
      const internal::Expr* cur = e;
      std::vector<std::string> names;
      while (cur->kind == internal::Expr::Kind::kSelect) {
        names.push_back(cur->name);
        cur = cur->args[0].get();
      }
      if (cur->kind == internal::Expr::Kind::kIdent) {
        std::string name = cur->name;
        bool found = false;
        if (const internal::VarDecl* d = decls.Find(name)) {
          out.push_back(d->ref);
          found = true;
        }
        for (auto it = names.rbegin(); it != names.rend() && !found; ++it) {
          name += "." + *it;
          if (const internal::VarDecl* d = decls.Find(name)) {
            out.push_back(d->ref);
            found = true;
          }
        }
        if (found || cur == e) continue;
      }
      for (const auto& a : e->args) todo.push_back(a.get());
    }
    return out;
  }

  void MissingLocales() {
    if (m_.locales.size() < 2) return;
    for (const Stage& stage : m_.stages) {
      for (const Rule& rule : stage.rules) {
        bool any = std::any_of(rule.scripts.begin(), rule.scripts.end(), [](const auto& s) { return s.has_value(); });
        if (!any) continue;
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < rule.scripts.size() && i < m_.locales.size(); ++i) {
          if (!rule.scripts[i]) missing.push_back(m_.locales[i]);
        }
        if (missing.empty()) continue;
        Add(Severity::kWarning, "missing_locale",
            fmt::format("{} '{}' has a script but none in {}, which the policy lists: when it fires for "
                        "a case in {}, the whole reply is given in the fallback locale '{}'",
                        Kind(stage), rule.id, Quoted(missing), missing.size() == 1 ? "it" : "one of them",
                        m_.locales[m_.fallback_locale]),
            rule.location, {rule.id}, nullptr);
      }
    }
  }

  const PolicyImpl& impl_;
  const PolicyModel& m_;
  AtomTable atoms_;
  WitnessBuilder witnesses_;
  Budget* budget_;
  Box universe_;
  std::vector<LintFinding>* out_;
};

}  // namespace

bool LintReport::has_errors() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const LintFinding& f) { return f.severity == Severity::kError; });
}

LintReport LintPolicy(const Policy& policy, const LintOptions& options) {
  LintReport report;
  Budget budget(options.max_work);
  const PolicyImpl& impl = internal::PolicyInternal::Impl(policy);
  const auto& overlays = impl.platform_overlays();
  {
    ModelLinter base(impl, &budget, &report.findings);
    if (!overlays.empty() && impl.model().platforms) {
      // The policy's own rules decide the platforms without an overlay.
      const internal::PlatformsDecl& p = *impl.model().platforms;
      std::vector<int> words;
      for (std::size_t w = 0; w < p.platforms->values.size(); ++w) {
        bool overlaid = std::any_of(overlays.begin(), overlays.end(),
                                    [&](const PlatformOverlay& o) { return o.platform == p.platforms->values[w]; });
        if (!overlaid) words.push_back(static_cast<int>(w));
      }
      base.Pin(p.fact_slot, words, true);
    }
    base.Run();
  }
  if (impl.model().platforms) {
    const internal::PlatformsDecl& p = *impl.model().platforms;
    std::map<const Policy*, std::vector<int>> by_policy;
    for (const PlatformOverlay& o : overlays) by_policy[o.policy.get()].push_back(p.platforms->IndexOf(o.platform));
    for (const auto& [overlay, words] : by_policy) {
      ModelLinter linter(internal::PolicyInternal::Impl(*overlay), &budget, &report.findings);
      linter.Pin(p.fact_slot, words, false);
      linter.Run();
    }
  }
  // Once each, in file order.
  auto key = [](const LintFinding& f) {
    return std::tie(f.location.file, f.location.line, f.location.column, f.code, f.message);
  };
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [&](const LintFinding& a, const LintFinding& b) { return key(a) < key(b); });
  report.findings.erase(std::unique(report.findings.begin(), report.findings.end(),
                                    [&](const LintFinding& a, const LintFinding& b) { return key(a) == key(b); }),
                        report.findings.end());
  return report;
}

std::string FormatLintText(const LintReport& report) {
  std::string out;
  for (const LintFinding& f : report.findings) {
    if (!f.location.file.empty()) {
      out += f.location.file;
      if (f.location.line > 0) out += fmt::format(":{}:{}", f.location.line, f.location.column);
      out += ": ";
    }
    out += fmt::format("{}: {} [{}]\n", f.severity == Severity::kError ? "error" : "warning", f.message, f.code);
    if (!f.counterexample.empty()) out += "  counterexample: " + f.counterexample + "\n";
  }
  return out;
}

std::string FormatLintJson(const LintReport& report, int indent) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const LintFinding& f : report.findings) {
    nlohmann::ordered_json j;
    j["severity"] = f.severity == Severity::kError ? "error" : "warning";
    j["code"] = f.code;
    j["file"] = f.location.file;
    j["line"] = f.location.line;
    j["column"] = f.location.column;
    j["message"] = f.message;
    j["rules"] = f.rules;
    j["counterexample"] =
        f.counterexample.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json::parse(f.counterexample);
    findings.push_back(std::move(j));
  }
  nlohmann::ordered_json root;
  root["findings"] = std::move(findings);
  return root.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aftersales
