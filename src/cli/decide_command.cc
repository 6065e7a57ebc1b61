#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {
namespace {

bool LooksLikeYaml(const std::string& path, const std::string& text) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) return false;
  if (ends_with(".yaml") || ends_with(".yml")) return true;
  std::size_t i = text.find_first_not_of(" \t\r\n");
  return i == std::string::npos || text[i] != '{';
}

std::string FormatDecision(const Decision& d, const DecideArgs& args, bool one_line) {
  if (args.format == "text") return DecisionToText(d, args.explain) + "\n";
  return DecisionToJson(d, args.explain, one_line ? -1 : 2) + "\n";
}

std::string ErrorLine(const DecisionError& e) {
  std::string where;
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
  WriteStdout(FormatDecision(d, args, /*one_line=*/false));
  return kExitOk;
}

// JSON Lines: one decision (or one error object) per input line, in order.
int DecideMany(const Policy& policy, const DecideArgs& args) {
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
  DecideOptions options;
  options.explain = args.explain;
  const std::string name = args.cases_file == "-" ? "<stdin>" : args.cases_file;
  int exit_code = kExitOk;
  std::string line;
  for (long line_no = 1; std::getline(*in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string out;
    Result<Facts> facts = policy.ReadFactsJson(line, name + ":" + std::to_string(line_no));
    if (!facts.ok()) {
      nlohmann::ordered_json j;
      j["line"] = line_no;
      j["error"] = facts.status().message();
      out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      exit_code = kExitEvalFailed;
    } else {
      Decision d = policy.Decide(*facts, options);
      if (!d.ok()) exit_code = kExitEvalFailed;
      if (d.ok() || args.format == "json") {
        out = FormatDecision(d, args, /*one_line=*/true);
      } else {
        for (const DecisionError& e : d.errors) out += ErrorLine(e) + "\n";
      }
    }
    if (!WriteStdout(out)) return exit_code == kExitOk ? kExitOk : exit_code;
  }
  if (in->bad()) {
    PrintError(name + ": read error");
    return kExitBadInput;
  }
  return exit_code;
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
