#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunLint(const LintArgs& args) {
  LoadResult loaded = LoadPolicy(args.policy);
  for (const Issue& issue : loaded.issues) PrintError(issue.ToString());
  if (!loaded.ok()) return kExitBadInput;
  LintReport report = LintPolicy(*loaded.policy);
  std::string out;
  if (args.format == "json") {
    out = FormatLintJson(report);
  } else {
    out = FormatLintText(report);
    std::size_t errors = 0;
    for (const LintFinding& f : report.findings) errors += f.severity == Severity::kError ? 1 : 0;
    std::size_t warnings = report.findings.size() - errors;
    out += report.findings.empty()
               ? "lint: no findings\n"
               : fmt::format("lint: {} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                             warnings == 1 ? "" : "s");
  }
  if (!WriteStdout(out)) return kExitBadInput;
  return report.has_errors() ? kExitEvalFailed : kExitOk;
}

}  // namespace aftersales::cli
