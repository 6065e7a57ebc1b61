#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {
namespace {

// True when all of `text` reached the file, its close included (a full
// disk shows only when the buffer is flushed).
bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return !out.fail();
}

}  // namespace

int RunDiff(const DiffArgs& args) {
  LoadResult candidate = LoadPolicy(args.policy);
  for (const Issue& issue : candidate.issues) PrintError(issue.ToString());
  // git:REV: the same policy as it is at that revision, its bases and
  // platform overlays included, read from git.
  LoadResult baseline = args.baseline.rfind("git:", 0) == 0
                            ? LoadPolicyAtRevision(args.policy, args.baseline.substr(4))
                            : LoadPolicy(args.baseline);
  for (const Issue& issue : baseline.issues) PrintError(issue.ToString());
  if (!candidate.ok() || !baseline.ok()) return kExitBadInput;

  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.cases_file != "-") {
    file.open(args.cases_file, std::ios::binary);
    if (!file) {
      PrintError(args.cases_file + ": cannot open");
      return kExitBadInput;
    }
    in = &file;
  }
  DiffOptions options;
  options.source_name = args.cases_file;
  DiffReport report = DiffPolicies(*baseline.policy, *candidate.policy, *in, options);
  if (!args.json.empty() && !WriteFile(args.json, DiffReportToJson(report))) {
    PrintError(args.json + ": cannot write");
    return kExitBadInput;
  }
  if (!args.report.empty() && !WriteFile(args.report, DiffReportToHtml(report))) {
    PrintError(args.report + ": cannot write");
    return kExitBadInput;
  }
  std::string out = fmt::format(
      "{} cases: {} decisions changed; {} unreadable; {} failed under the candidate ({} under the baseline)\n"
      "refunds {} -> {} ({:+}), merchant freight {} -> {} ({:+}) (cents)\n",
      report.cases, report.changed, report.unreadable, report.failed_candidate, report.failed_baseline,
      report.refund_baseline_cents, report.refund_candidate_cents,
      report.refund_candidate_cents - report.refund_baseline_cents, report.merchant_freight_baseline_cents,
      report.merchant_freight_candidate_cents,
      report.merchant_freight_candidate_cents - report.merchant_freight_baseline_cents);
  for (const auto& [field, n] : report.changed_by_field) out += fmt::format("  {:<32} {}\n", field, n);
  if (!WriteStdout(out)) return kExitBadInput;
  return report.unreadable > 0 ? kExitEvalFailed : kExitOk;
}

}  // namespace aftersales::cli
