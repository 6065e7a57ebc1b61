#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

// Runs a command and returns its standard output, or nullopt on failure.
std::optional<std::string> Capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>/dev/null").c_str(), "r"), ::pclose);
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  int status = ::pclose(pipe.release());
  if (status != 0) return std::nullopt;
  return out;
}

// The policy at `path` as it was at git revision `rev`. Its files, and
// every other policy file under the same top folder of the repository (so
// that platform overlays and bases inside it are found), are read with `git
// show` into a temporary folder and loaded from there; issues name them as
// `git:REV:path`.
LoadResult LoadFromGit(const std::string& path, const std::string& rev) {
  LoadResult failed;
  auto fail = [&](std::string message) {
    Issue i;
    i.code = "cli.git";
    i.message = std::move(message);
    i.location.file = "git:" + rev;
    failed.issues.push_back(i);
    return failed;
  };
  std::error_code ec;
  bool is_dir = fs::is_directory(path, ec);
  fs::path dir = is_dir ? fs::path(path) : fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  auto top = Capture("git -C " + ShellQuote(dir.string()) + " rev-parse --show-toplevel");
  auto prefix = Capture("git -C " + ShellQuote(dir.string()) + " rev-parse --show-prefix");
  if (!top || !prefix) return fail(path + " is not inside a git repository");
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  };
  std::string root = trim(*top), rel_dir = trim(*prefix);
  if (!Capture("git -C " + ShellQuote(root) + " rev-parse --verify --quiet " + ShellQuote(rev + "^{commit}"))) {
    return fail("cannot read " + path + " at " + rev + ": no such revision");
  }
  // The top folder of the policy in the repository ("rules/" for rules/ and
  // for rules/platforms/jd), or the whole tree for a policy at its root.
  std::string scope = rel_dir.substr(0, rel_dir.find('/') == std::string::npos ? 0 : rel_dir.find('/') + 1);
  auto listing = Capture("git -C " + ShellQuote(root) + " ls-tree -r " + ShellQuote(rev) + " -- " +
                         ShellQuote(scope.empty() ? "." : scope));
  if (!listing) return fail("cannot list " + path + " at " + rev);
  std::vector<std::string> names;
  std::string line;
  std::istringstream in(*listing);
  while (std::getline(in, line)) {
    // "<mode> <type> <object>\t<path>"; links (mode 120000) are left out.
    std::size_t tab = line.find('\t');
    if (tab == std::string::npos || line.rfind("120000", 0) == 0) continue;
    std::string name = line.substr(tab + 1);
    if (name.ends_with(".yaml") || name.ends_with(".yml")) names.push_back(name);
  }
  const std::string wanted = is_dir ? rel_dir : rel_dir + fs::path(path).filename().string();
  if (names.empty()) return fail("no policy files under " + path + " at " + rev);

  std::string tmp_template = (fs::temp_directory_path() / "aftersales-git-XXXXXX").string();
  if (::mkdtemp(tmp_template.data()) == nullptr) return fail("cannot make a temporary folder");
  const fs::path tmp(tmp_template);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{tmp};
  for (const std::string& name : names) {
    auto text = Capture("git -C " + ShellQuote(root) + " show " + ShellQuote(rev + ":" + name));
    if (!text) return fail("cannot read " + name + " at " + rev);
    fs::path file = tmp / name;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file, std::ios::binary);
    out << *text;
    if (!out) return fail("cannot write a temporary copy of " + name);
  }
  std::string loaded_path = (tmp / wanted).generic_string();
  while (loaded_path.size() > 1 && loaded_path.back() == '/') loaded_path.pop_back();
  LoadResult result = LoadPolicy(loaded_path);
  // Places and messages name the files as git does.
  const std::string from = tmp.generic_string() + "/", to = "git:" + rev + ":";
  auto rename = [&](std::string* s) {
    for (std::size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
      s->replace(at, from.size(), to);
    }
  };
  for (Issue& issue : result.issues) {
    rename(&issue.location.file);
    rename(&issue.message);
  }
  return result;
}

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
  LoadResult baseline = args.baseline.rfind("git:", 0) == 0 ? LoadFromGit(args.policy, args.baseline.substr(4))
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
