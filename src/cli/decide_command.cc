#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <unistd.h>

#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {
namespace {

// "12,000 cases, 48,000/s, about 20 s left" on stderr, redrawn in place,
// only when stderr is a terminal and the run lasts more than a second.
class ProgressLine {
 public:
  explicit ProgressLine(std::int64_t total_bytes)
      : enabled_(::isatty(STDERR_FILENO) == 1), total_(total_bytes), start_(Clock::now()) {}
  bool enabled() const { return enabled_; }

  void Update(const BatchProgress& p) {
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    if (secs < 1.0 || secs - last_ < 0.25) return;
    last_ = secs;
    double rate = p.lines_done / secs;
    std::string eta;
    if (total_ > 0 && p.bytes_read > 0) {
      double left = secs * (static_cast<double>(total_) / static_cast<double>(p.bytes_read) - 1.0);
      eta = fmt::format(", about {:.0f} s left", left < 0 ? 0.0 : left);
    }
    std::string line = fmt::format("\r{} cases, {:.0f}/s{}   ", p.lines_done, rate, eta);
    std::fputs(line.c_str(), stderr);
    shown_ = true;
  }

  void Finish(std::int64_t lines) {
    if (!shown_) return;
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fputs(fmt::format("\r{} cases in {:.1f} s                    \n", lines, secs).c_str(), stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::int64_t total_;
  Clock::time_point start_;
  double last_ = 0;
  bool shown_ = false;
};

bool LooksLikeYaml(const std::string& path, const std::string& text) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) return false;
  if (ends_with(".yaml") || ends_with(".yml")) return true;
  std::size_t i = text.find_first_not_of(" \t\r\n", text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0);
  return i == std::string::npos || text[i] != '{';
}

std::string FormatDecision(const Decision& d, const DecideArgs& args, bool one_line) {
  if (args.format == "text") return DecisionToText(d, args.explain) + "\n";
  return DecisionToJson(d, args.explain, one_line ? -1 : 2) + "\n";
}

std::string ErrorLine(const DecisionError& e) {
  if (!e.location.file.empty()) {
    Issue as_issue;
    as_issue.location = e.location;
    as_issue.message = e.message;
    return as_issue.ToString();
  }
  return e.message;
}

int DecideOne(const Policy& policy, const DecideArgs& args) {
  std::string error;
  std::optional<std::string> text = ReadWholeFile(args.case_file, &error);
  if (!text) {
    PrintError(error);
    return kExitBadInput;
  }
  Result<Facts> facts = LooksLikeYaml(args.case_file, *text)
                            ? policy.ReadFactsYaml(*text, args.case_file)
                            : policy.ReadFactsJson(*text, args.case_file);
  if (!facts.ok()) {
    PrintError(facts.status().message());
    return kExitBadInput;
  }
  DecideOptions options;
  options.explain = args.explain;
  Decision d = policy.Decide(*facts, options);
  if (!d.ok()) {
    for (const DecisionError& e : d.errors) PrintError(ErrorLine(e));
    return kExitEvalFailed;
  }
  if (!WriteStdout(FormatDecision(d, args, /*one_line=*/false))) return kExitBadInput;
  return kExitOk;
}

// JSON Lines: one decision (or one error object) per input line, in order,
// decided on all cores by the library's batch pipeline.
int DecideMany(const Policy& policy, const DecideArgs& args) {
  std::ifstream file;
  std::istream* in = &std::cin;
  std::int64_t total_bytes = 0;
  if (args.cases_file != "-") {
    file.open(args.cases_file, std::ios::binary);
    if (!file) {
      PrintError(args.cases_file + ": cannot open");
      return kExitBadInput;
    }
    in = &file;
    std::error_code ec;
    total_bytes = static_cast<std::int64_t>(std::filesystem::file_size(args.cases_file, ec));
    if (ec) total_bytes = 0;
  }
  BatchOptions options;
  options.explain = args.explain;
  options.text = args.format == "text";
  options.threads = args.threads;
  options.source_name = args.cases_file == "-" ? "<stdin>" : args.cases_file;
  ProgressLine progress(total_bytes);
  if (progress.enabled()) options.progress = [&](const BatchProgress& p) { progress.Update(p); };
  BatchStats stats = DecideJsonLines(policy, *in, [](std::string_view out) { return WriteStdout(out); }, options);
  progress.Finish(stats.lines);
  if (stats.read_error) {
    PrintError(options.source_name + ": read error");
    return kExitBadInput;
  }
  if (stats.stopped) return kExitBadInput;  // stdout failed; WriteStdout said why
  return stats.failed > 0 ? kExitEvalFailed : kExitOk;
}
}  // namespace

int RunDecide(const DecideArgs& args) {
  LoadResult loaded = LoadPolicy(args.policy);
  for (const Issue& issue : loaded.issues) PrintError(issue.ToString());
  if (!loaded.ok()) return kExitBadInput;
  if (!args.cases_file.empty()) return DecideMany(*loaded.policy, args);
  return DecideOne(*loaded.policy, args);
}

}  // namespace aftersales::cli
