#include <filesystem>

#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunTest(const TestArgs& args) {
  LoadResult loaded = LoadPolicy(args.policy);
  for (const Issue& issue : loaded.issues) PrintError(issue.ToString());
  if (!loaded.ok()) return kExitBadInput;

  std::string tests = args.tests;
  if (tests.empty()) {
    std::filesystem::path p(args.policy);
    std::error_code ec;
    tests = (std::filesystem::is_directory(p, ec) ? p : p.parent_path()) / "tests";
  }
  PolicyTestReport report = RunPolicyTests(*loaded.policy, tests);
  for (const Issue& issue : report.issues) PrintError(issue.ToString());

  std::string out;
  for (const PolicyTestFailure& f : report.failures) out += "FAIL " + f.ToString() + "\n";
  for (const UnreachedRule& r : report.unreached) {
    Issue as_issue;
    as_issue.location = r.location;
    as_issue.message = "rule '" + r.rule_id + "' is not reached by any test";
    out += "UNREACHED " + as_issue.ToString() + "\n";
  }
  if (report.suites.size() > 1) {
    // A policy with platform overlays: each policy's tests, then the total.
    for (const PolicyTestSuite& suite : report.suites) {
      std::string who = suite.platform.empty() || suite.platform == suite.policy
                            ? suite.platform.empty() ? suite.policy : suite.platform
                            : suite.platform + " (" + suite.policy + ")";
      out += fmt::format("{}: {} passed, {} failed ({})\n", who, suite.passed, suite.failed, suite.tests_path);
    }
  }
  out += fmt::format("{} passed, {} failed\n", report.passed, report.failed);
  if (!WriteStdout(out)) return kExitBadInput;
  if (HasErrors(report.issues)) return kExitBadInput;
  return report.ok() ? kExitOk : kExitEvalFailed;
}

}  // namespace aftersales::cli
