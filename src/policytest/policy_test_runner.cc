// Runs policy test files (see include/aftersales/policy_tests.h). Test files
// are read with the policy's YAML reader, each test's case is merged over
// the file's base and decided through the one case runner (read from that
// YAML, so a bad fact is named at its line), and the decision is
// compared field by field with what the test expects. A rule is "reached"
// by its id and place, so that a platform overlay's replacement of a rule
// needs tests of its own, while the base rules an overlay keeps count
// whichever policy's tests reach them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/policy_tests.h"
#include "common/format.h"
#include "decision/case_runner.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "policy/yaml_reader.h"

namespace aftersales {
namespace {

using internal::YamlNode;
namespace fs = std::filesystem;

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

Issue MakeIssue(const SourceLocation& at, std::string code, std::string message) {
  Issue i;
  i.code = std::move(code);
  i.message = std::move(message);
  i.location = at;
  return i;
}

// A map merged over another, key by key, recursively; anything else replaces.
YamlNode Merge(const YamlNode& base, const YamlNode& over) {
  if (!base.IsMap() || !over.IsMap()) return over;
  YamlNode out = base;
  for (const auto& [k, v] : over.entries) {
    const std::string& key = k.value;  // clang 14 lambdas cannot capture bindings
    auto it = std::find_if(out.entries.begin(), out.entries.end(),
                           [&](const auto& e) { return e.first.value == key; });
    if (it == out.entries.end()) {
      out.entries.emplace_back(k, v);
    } else {
      it->second = Merge(it->second, v);
    }
  }
  return out;
}

// YAML 1.2 core-schema reading of a plain scalar; quoted scalars are strings.
nlohmann::json ScalarToJson(const YamlNode& n) {
  if (n.style != YamlNode::Style::kPlain || n.tag == "!!str" || n.tag == "!") return n.value;
  const std::string& s = n.value;
  if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  try {
    std::size_t used = 0;
    long long v = std::stoll(s, &used, 10);
    if (used == s.size()) return v;
  } catch (...) {
  }
  try {
    std::size_t used = 0;
    double d = std::stod(s, &used);
    if (used == s.size() && s.find_first_of("0123456789") != std::string::npos) return d;
  } catch (...) {
  }
  return s;
}

std::string Show(const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kAbsent:
      return "(absent)";
    case FieldValue::Kind::kNull:
      return "null";
    case FieldValue::Kind::kBool:
      return v.bool_value ? "true" : "false";
    case FieldValue::Kind::kInt:
      return std::to_string(v.int_value);
    case FieldValue::Kind::kUint:
      return std::to_string(v.uint_value);
    case FieldValue::Kind::kDouble: {
      nlohmann::json j = v.double_value;
      return j.dump();
    }
    case FieldValue::Kind::kString:
      return v.string_value;
    case FieldValue::Kind::kList: {
      std::vector<std::string> parts;
      for (const FieldValue& i : v.items) parts.push_back(Show(i));
      return "[" + Join(parts, ", ") + "]";
    }
  }
  return "?";
}

std::string ShowExpected(const YamlNode& n) {
  if (n.kind == YamlNode::Kind::kNull) return "null";
  if (n.IsScalar()) return n.value;
  if (n.IsSequence()) {
    std::vector<std::string> parts;
    for (const YamlNode& i : n.items) parts.push_back(ShowExpected(i));
    return "[" + Join(parts, ", ") + "]";
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : n.entries) parts.push_back(k.value + ": " + ShowExpected(v));
  return "{" + Join(parts, ", ") + "}";
}

bool Matches(const YamlNode& want, const FieldValue& got) {
  if (want.kind == YamlNode::Kind::kNull) {
    return got.kind == FieldValue::Kind::kAbsent || got.kind == FieldValue::Kind::kNull;
  }
  if (want.IsSequence()) {
    if (got.kind != FieldValue::Kind::kList || got.items.size() != want.items.size()) return false;
    for (std::size_t i = 0; i < want.items.size(); ++i) {
      if (!Matches(want.items[i], got.items[i])) return false;
    }
    return true;
  }
  if (!want.IsScalar()) return false;
  nlohmann::json w = ScalarToJson(want);
  switch (got.kind) {
    case FieldValue::Kind::kInt:
      return w.is_number_integer() && w.get<long long>() == got.int_value;
    case FieldValue::Kind::kUint:
      return w.is_number_integer() && w.get<long long>() >= 0 &&
             static_cast<std::uint64_t>(w.get<long long>()) == got.uint_value;
    case FieldValue::Kind::kDouble:
      return w.is_number() && w.get<double>() == got.double_value;
    case FieldValue::Kind::kBool:
      return w.is_boolean() && w.get<bool>() == got.bool_value;
    case FieldValue::Kind::kString:
      return want.value == got.string_value;
    default:
      return false;
  }
}

// A rule as the reached check knows it: its id and its place (the same rule
// of a base, seen through the policy and through an overlay, is one).
std::string RuleKey(const internal::Rule& rule) {
  return rule.id + '\n' + fs::path(rule.location.file()).lexically_normal().generic_string() + '\n' +
         std::to_string(rule.location.line) + ':' + std::to_string(rule.location.column);
}

// The rules that fired in any test, by RuleKey.
class Reached {
 public:
  void Add(const internal::PolicyModel& model, const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      for (const internal::Stage& stage : model.stages) {
        for (const internal::Rule& rule : stage.rules) {
          if (rule.id == id) keys_.insert(RuleKey(rule));
        }
      }
    }
  }
  bool Has(const internal::Rule& rule) const { return keys_.count(RuleKey(rule)) > 0; }

 private:
  std::set<std::string> keys_;
};

class Runner {
 public:
  Runner(const Policy& policy, PolicyTestReport* report, PolicyTestSuite* suite, Reached* reached)
      : policy_(policy), report_(report), suite_(suite), reached_(reached) {}

  void RunFile(const std::string& path, const LoadOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      report_->issues.push_back(MakeIssue({path, 0, 0}, "test.io", "cannot read the test file"));
      return;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > options.limits.max_policy_bytes) {
      report_->issues.push_back(MakeIssue({path, 0, 0}, "test.limit", "test file too large"));
      return;
    }
    internal::YamlReadOptions ro;
    ro.max_depth = options.limits.max_yaml_depth;
    ro.max_nodes = options.limits.max_yaml_nodes;
    internal::YamlDocument doc = internal::ReadYaml(text, path, ro);
    for (Issue& i : doc.issues) report_->issues.push_back(std::move(i));
    if (!doc.root) return;
    const YamlNode& root = *doc.root;
    if (!root.IsMap()) {
      report_->issues.push_back(MakeIssue(root.location, "test.shape",
                                          "a test file is a map with 'tests' (and optionally 'base')"));
      return;
    }
    YamlNode base;
    base.kind = YamlNode::Kind::kMap;
    for (const auto& [k, v] : root.entries) {
      if (k.value == "base") {
        if (!v.IsMap()) {
          report_->issues.push_back(MakeIssue(v.location, "test.shape", "'base' must be a map of facts"));
          return;
        }
        base = v;
      } else if (k.value != "tests") {
        report_->issues.push_back(MakeIssue(k.location, "test.unknown_key",
                                            "unknown key '" + k.value + "' (expected 'base' or 'tests')"));
      }
    }
    const YamlNode* tests = root.Find("tests");
    if (!tests || !tests->IsSequence()) {
      report_->issues.push_back(MakeIssue(root.location, "test.shape", "'tests' must be a list of tests"));
      return;
    }
    for (const YamlNode& t : tests->items) RunTest(t, base);
  }

 private:
  void Fail(const YamlNode& test, const std::string& name, std::string field, std::string expected,
            std::string actual, const Decision* d) {
    PolicyTestFailure f;
    f.test = name;
    f.location = test.location;
    f.field = std::move(field);
    f.expected = std::move(expected);
    f.actual = std::move(actual);
    if (d) f.rules_fired = d->matched_rules;
    report_->failures.push_back(std::move(f));
  }

  void RunTest(const YamlNode& test, const YamlNode& base) {
    if (!test.IsMap()) {
      report_->issues.push_back(MakeIssue(test.location, "test.shape", "a test is a map with name, case, expect"));
      return;
    }
    for (const auto& [k, v] : test.entries) {
      if (k.value != "name" && k.value != "case" && k.value != "expect") {
        report_->issues.push_back(MakeIssue(k.location, "test.unknown_key",
                                            "unknown key '" + k.value + "' in a test (expected name, case, expect)"));
      }
    }
    const YamlNode* name_node = test.Find("name");
    const YamlNode* case_node = test.Find("case");
    const YamlNode* expect = test.Find("expect");
    std::string name = name_node && name_node->IsScalar() ? name_node->value : "(unnamed)";
    if (name_node != nullptr && !name_node->IsScalar()) {
      report_->issues.push_back(MakeIssue(name_node->location, "test.shape", "a test's 'name' is one line of text"));
      return;
    }
    if (!expect || !expect->IsMap()) {
      report_->issues.push_back(MakeIssue(test.location, "test.shape", "test '" + name + "' needs an 'expect' map"));
      return;
    }
    if (!ExpectationsWellFormed(name, *expect)) return;
    YamlNode merged = case_node ? Merge(base, *case_node) : base;
    std::string where = internal::FormatLocation({test.location.file(), test.location.line, 0});
    // Decided as every tool decides a case, read from the test's own YAML.
    internal::DecidedCase run = internal::DecideCase(policy_, merged, where);
    int failures_before = static_cast<int>(report_->failures.size());
    if (!run.facts) {
      Fail(test, name, "case", "a valid case", run.errors.empty() ? "" : run.errors[0], nullptr);
      ++suite_->failed;
      return;
    }
    const Decision& d = run.decision;
    // The rules that fired are those of the policy that decided: with
    // platform overlays, the overlay of the case's platform.
    const internal::FactsData* data = internal::PolicyInternal::Data(*run.facts);
    if (data != nullptr && internal::PolicyInternal::Impl(policy_).Accepts(data)) {
      reached_->Add(internal::PolicyInternal::Impl(policy_).Route(*data).model(), d.matched_rules);
    }
    CheckExpectations(test, name, *expect, d);
    if (static_cast<int>(report_->failures.size()) == failures_before) {
      ++suite_->passed;
    } else {
      ++suite_->failed;
    }
  }

  // The expectations read as text must be text, and not empty: `error: [x]`
  // or `script_contains: {}` would otherwise read as "" and hold for any
  // decision, a test that could not fail. False, with an issue, when not.
  bool ExpectationsWellFormed(const std::string& name, const YamlNode& expect) {
    const auto text = [](const YamlNode& n) { return n.IsScalar() && !n.value.empty(); };
    for (const auto& [k, v] : expect.entries) {
      bool ok = true;
      if (k.value == "error" || k.value == "script_locale") {
        ok = text(v);
      } else if (k.value == "script_contains" || k.value == "script_not_contains") {
        ok = v.IsSequence() ? !v.items.empty() && std::all_of(v.items.begin(), v.items.end(), text) : text(v);
      }
      if (!ok) {
        report_->issues.push_back(MakeIssue(
            v.location, "test.shape",
            "test '" + name + "': '" + k.value + "' is " +
                (k.value == "error" || k.value == "script_locale" ? "a text" : "a text or a list of texts") +
                ", not empty"));
        return false;
      }
    }
    return true;
  }

  void CheckExpectations(const YamlNode& test, const std::string& name, const YamlNode& expect,
                         const Decision& d) {
    const YamlNode* want_error = expect.Find("error");
    if (want_error) {
      std::vector<std::string> messages;
      for (const DecisionError& e : d.errors) messages.push_back(e.message);
      std::string all = Join(messages, "; ");
      if (d.ok() || all.find(want_error->value) == std::string::npos) {
        Fail(test, name, "error", "an error containing '" + want_error->value + "'",
             d.ok() ? "a decision" : all, &d);
      }
      return;
    }
    if (!d.ok()) {
      std::vector<std::string> messages;
      for (const DecisionError& e : d.errors) messages.push_back(e.message);
      Fail(test, name, "decision", "a decision", "error: " + Join(messages, "; "), &d);
      return;
    }
    for (const auto& [k, v] : expect.entries) CheckField(test, name, k.value, v, d);
  }

  void CheckField(const YamlNode& test, const std::string& name, const std::string& path,
                  const YamlNode& want, const Decision& d) {
    if (path == "matched_rules") {
      FieldValue got;
      got.kind = FieldValue::Kind::kList;
      for (const std::string& id : d.matched_rules) {
        FieldValue s;
        s.kind = FieldValue::Kind::kString;
        s.string_value = id;
        got.items.push_back(s);
      }
      if (!Matches(want, got)) Fail(test, name, path, ShowExpected(want), Show(got), &d);
      return;
    }
    if (path == "script_contains" || path == "script_not_contains") {
      // A string or a list of strings the reply must (or must not) hold.
      const bool wanted = path == "script_contains";
      std::vector<std::string> needles;
      if (want.IsSequence()) {
        for (const YamlNode& i : want.items) needles.push_back(i.value);
      } else {
        needles.push_back(want.value);
      }
      for (const std::string& n : needles) {
        const bool found = d.script_text.find(n) != std::string::npos;
        if (wanted ? !found : (!n.empty() && found)) {
          Fail(test, name, path, (wanted ? "text containing '" : "text without '") + n + "'", d.script_text, &d);
        }
      }
      return;
    }
    if (path == "script_locale") {
      if (d.script_locale != want.value) Fail(test, name, path, want.value, d.script_locale, &d);
      return;
    }
    const FieldValue* got = d.Find(path);
    if (want.IsMap()) {
      for (const auto& [k, v] : want.entries) CheckField(test, name, path + "." + k.value, v, d);
      return;
    }
    if (!got) {
      // A group (escalation: null) is null when none of its fields is set.
      bool is_group = false, any_set = false;
      for (const auto& [fname, fv] : d.fields) {
        if (fname.size() > path.size() && fname.compare(0, path.size(), path) == 0 &&
            fname[path.size()] == '.') {
          is_group = true;
          any_set = any_set || fv.present();
        }
      }
      if (is_group && want.kind == YamlNode::Kind::kNull) {
        if (any_set) Fail(test, name, path, "null", "set", &d);
        return;
      }
      Fail(test, name, path, ShowExpected(want), "(the policy has no such decision field)", &d);
      return;
    }
    if (!Matches(want, *got)) Fail(test, name, path, ShowExpected(want), Show(*got), &d);
  }

 private:
  const Policy& policy_;
  PolicyTestReport* report_;
  PolicyTestSuite* suite_;
  Reached* reached_;
};

// The test files at `tests_path`: the *.yaml/*.yml files of a folder, in
// name order, or one file.
std::vector<std::string> TestFiles(const std::string& tests_path, PolicyTestReport* report) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(tests_path, ec)) {
    for (const auto& entry : fs::directory_iterator(tests_path, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      report->issues.push_back(MakeIssue({tests_path, 0, 0}, "test.none", "no test files (*.yaml) here"));
    }
  } else if (fs::is_regular_file(tests_path, ec)) {
    files.push_back(tests_path);
  } else {
    report->issues.push_back(MakeIssue({tests_path, 0, 0}, "test.io", "no such test file or folder"));
  }
  return files;
}

void RunSuite(const Policy& policy, const std::string& platform, const std::string& tests_path,
              const LoadOptions& options, Reached* reached, PolicyTestReport* report) {
  PolicyTestSuite suite;
  suite.policy = policy.name();
  suite.platform = platform;
  suite.tests_path = tests_path;
  Runner runner(policy, report, &suite, reached);
  for (const std::string& f : TestFiles(tests_path, report)) runner.RunFile(f, options);
  report->passed += suite.passed;
  report->failed += suite.failed;
  report->suites.push_back(std::move(suite));
}

}  // namespace

std::string PolicyTestFailure::ToString() const {
  Issue as_issue;
  as_issue.location = location;
  as_issue.message = "test '" + test + "': " + field + ": expected " + expected + ", got " + actual;
  if (!rules_fired.empty()) as_issue.message += " (rules fired: " + Join(rules_fired, ", ") + ")";
  return as_issue.ToString();
}

PolicyTestReport RunPolicyTests(const Policy& policy, const std::string& tests_path,
                                const LoadOptions& options) {
  PolicyTestReport report;
  try {
    Reached reached;
    RunSuite(policy, "", tests_path, options, &reached, &report);
    std::vector<const internal::PolicyModel*> models{&internal::PolicyInternal::Impl(policy).model()};
    for (const PlatformOverlay& overlay : policy.platform_overlays()) {
      models.push_back(&internal::PolicyInternal::Impl(*overlay.policy).model());
      std::error_code ec;
      const fs::path path(overlay.path);
      const std::string tests = ((fs::is_directory(path, ec) ? path : path.parent_path()) / "tests").generic_string();
      if (!fs::exists(tests, ec)) {
        Issue none = MakeIssue({tests, 0, 0}, "test.none",
                               "the platform overlay for " + overlay.platform + " has no tests folder");
        none.severity = Severity::kWarning;
        report.issues.push_back(std::move(none));
        continue;
      }
      RunSuite(*overlay.policy, overlay.platform, tests, options, &reached, &report);
    }
    std::set<std::string> listed;
    for (const internal::PolicyModel* model : models) {
      for (const internal::Stage& stage : model->stages) {
        for (const internal::Rule& rule : stage.rules) {
          if (!reached.Has(rule) && listed.insert(RuleKey(rule)).second) {
            report.unreached.push_back({rule.id, rule.location});
          }
        }
      }
    }
  } catch (const std::exception& e) {
    report.issues.push_back(MakeIssue({tests_path, 0, 0}, "test.internal", e.what()));
  }
  return report;
}

}  // namespace aftersales
