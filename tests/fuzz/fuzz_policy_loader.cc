// Fuzz target: policy YAML bytes -> the loader (YAML reader, schema,
// header, stages, rules, expressions, scripts, invariants, the digest);
// when the policy loads, it decides the example cases and (unless it
// extends the shipped policy, whose lint takes too long per input) lints it.
//
// The input is one policy file. Lines that split it:
//   #@file      the text after it is the next file of the same policy
//   #@overlay   the files after it extend the ones before it (as a policy
//               whose `extends:` names them does on disk)
// An input that starts with "#@shipped" extends the shipped policy
// (rules/*.yaml), as rules/platforms/* do.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/aftersales.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "fuzz_common.h"
#include "policy/policy_builder.h"

namespace {

using aftersales::internal::PolicySource;

struct Fixture {
  std::vector<std::pair<std::string, std::string>> shipped;  // rules/*.yaml
  std::vector<std::string> cases;                            // examples/cases/*.json
  aftersales::LoadOptions options;

  Fixture() {
    std::string root = aftersales_fuzz::SourceDir();
    shipped = aftersales_fuzz::ReadPolicyFolder(root + "/rules");
    for (const char* name : {"quality_defect_day3.json", "no_reason_insured_en.json",
                             "no_reason_exchange_odd_cent.json"}) {
      cases.push_back(aftersales_fuzz::ReadFileOrDie(root + "/examples/cases/" + name));
    }
    // Smaller than the defaults, so that one input stays fast; the limits'
    // checks are exercised all the same.
    options.limits.max_yaml_nodes = 100'000;
    options.limits.max_eval_steps = 100'000;
    options.limits.max_collection_size = 10'000;
    options.limits.max_string_length = 64u << 10;
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

// Splits the input into files at "#@file" and "#@overlay" lines.
std::vector<PolicySource> Split(std::string_view text, bool* shipped) {
  constexpr std::string_view kShipped = "#@shipped";
  *shipped = text.substr(0, kShipped.size()) == kShipped;
  std::vector<PolicySource> files;
  int layer = *shipped ? 1 : 0;
  std::string current;
  auto flush = [&] {
    files.push_back(PolicySource{"fuzz" + std::to_string(files.size()) + ".yaml", std::move(current), layer});
    current.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(pos, next - pos);
    std::string_view bare = line.substr(0, line.find_first_of("\r\n"));
    if (bare == "#@file") {
      flush();
    } else if (bare == "#@overlay") {
      flush();
      ++layer;
    } else {
      current.append(line);
    }
    pos = next;
  }
  flush();
  return files;
}

// Lints the policy within a small budget: every finding is well formed,
// and every counterexample is a case the policy reads.
void Lint(const aftersales::Policy& policy) {
  aftersales::LintOptions options;
  options.max_work = 5'000'000;
  aftersales::LintReport report = aftersales::LintPolicy(policy, options);
  for (const aftersales::LintFinding& f : report.findings) {
    FUZZ_CHECK(!f.code.empty() && !f.message.empty(), f.message);
    if (f.counterexample.empty()) continue;
    aftersales::Result<aftersales::Facts> facts = policy.ReadFactsJson(f.counterexample, "counterexample.json");
    FUZZ_CHECK(facts.ok(), f.counterexample);
    aftersales_fuzz::DecideAndCheck(policy, *facts);
  }
  (void)aftersales::FormatLintText(report);
  (void)aftersales::FormatLintJson(report);
}

void Exercise(const aftersales::LoadResult& loaded, bool lint) {
  const Fixture& f = GetFixture();
  bool has_errors = aftersales::HasErrors(loaded.issues);
  FUZZ_CHECK(loaded.ok() != has_errors, aftersales::FormatIssues(loaded.issues));
  for (const aftersales::Issue& issue : loaded.issues) {
    FUZZ_CHECK(!issue.code.empty() && !issue.message.empty(), issue.ToString());
    // The loader turns an exception that escaped the builder into this
    // issue: the builder itself must report problems, not throw.
    FUZZ_CHECK(issue.message.rfind("cannot load the policy: ", 0) != 0, issue.ToString());
  }
  std::string formatted = aftersales::FormatIssues(loaded.issues);
  if (!loaded.ok()) return;

  const aftersales::Policy& policy = *loaded.policy;
  FUZZ_CHECK(policy.digest().rfind("sha256:", 0) == 0, policy.digest());
  std::vector<std::string> ids = policy.rule_ids();
  (void)aftersales::FormatIssues(policy.warnings());
  for (const std::string& json : f.cases) {
    aftersales::Result<aftersales::Facts> facts = policy.ReadFactsJson(json, "case.json");
    if (!facts.ok()) continue;
    aftersales_fuzz::DecideAndCheck(policy, *facts);
  }
  aftersales::Result<aftersales::Facts> empty = policy.ReadFactsJson("{}");
  if (empty.ok()) aftersales_fuzz::DecideAndCheck(policy, *empty);
  if (lint) Lint(policy);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = GetFixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool shipped = false;
  std::vector<PolicySource> sources = Split(text, &shipped);

  if (!shipped && sources.back().layer == 0) {
    // One policy of one or more files: the public entry point.
    std::vector<std::pair<std::string, std::string>> files;
    for (PolicySource& s : sources) files.emplace_back(std::move(s.file_name), std::move(s.text));
    Exercise(aftersales::LoadPolicyFromStrings(files, f.options), /*lint=*/true);
    return 0;
  }

  // Layers, as the loader builds a policy that extends another.
  std::vector<PolicySource> layered;
  if (shipped) {
    for (const auto& [name, yaml] : f.shipped) layered.push_back(PolicySource{name, yaml, 0});
  }
  for (PolicySource& s : sources) layered.push_back(std::move(s));
  aftersales::internal::BuildResult built = aftersales::internal::BuildPolicy(layered, f.options);
  aftersales::LoadResult loaded;
  loaded.issues = std::move(built.issues);
  if (built.model) {
    loaded.policy = aftersales::internal::PolicyInternal::Wrap(
        std::make_shared<aftersales::internal::PolicyImpl>(std::move(*built.model)));
  }
  Exercise(loaded, /*lint=*/!shipped);
  return 0;
}
