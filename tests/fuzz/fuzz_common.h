// What the fuzz targets share: where the shipped policy is, loading it once,
// and the checks every decision must pass whatever the input was.
//
// A target fails (abort(), which libFuzzer reports as a crash with the
// input) when a check does not hold; sanitizers report memory and
// undefined-behaviour errors the same way.
#ifndef AFTERSALES_TESTS_FUZZ_FUZZ_COMMON_H_
#define AFTERSALES_TESTS_FUZZ_FUZZ_COMMON_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "aftersales/aftersales.h"

#ifndef AFTERSALES_SOURCE_DIR
#define AFTERSALES_SOURCE_DIR "."
#endif

namespace aftersales_fuzz {

[[noreturn]] inline void Fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "\n*** fuzz check failed: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                          \
  do {                                                    \
    if (!(cond)) ::aftersales_fuzz::Fail(#cond, (detail)); \
  } while (0)

// The checkout: $AFTERSALES_SOURCE_DIR when set, else the one the target was
// built from.
inline std::string SourceDir() {
  const char* env = std::getenv("AFTERSALES_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(AFTERSALES_SOURCE_DIR);
}

inline std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read a file the target needs", path.string() + " (set AFTERSALES_SOURCE_DIR to the checkout)");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The *.yaml files directly inside `dir` as (name, text), in name order, as
// LoadPolicy reads a folder.
inline std::vector<std::pair<std::string, std::string>> ReadPolicyFolder(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") names.push_back(entry.path());
  }
  if (ec || names.empty()) Fail("cannot list a policy folder the target needs", dir.string());
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& p : names) files.emplace_back(p.lexically_relative(dir.parent_path()).generic_string(), ReadFileOrDie(p));
  return files;
}

// The shipped policy (rules/), loaded once. It must load.
inline const std::shared_ptr<const aftersales::Policy>& ShippedPolicy() {
  static const std::shared_ptr<const aftersales::Policy> policy = [] {
    std::string path = SourceDir() + "/rules";
    aftersales::LoadResult r = aftersales::LoadPolicy(path);
    if (!r.ok()) Fail("the shipped policy does not load", path + "\n" + aftersales::FormatIssues(r.issues));
    return r.policy;
  }();
  return policy;
}

// True when `json` is one valid JSON document (UTF-8 included). simdjson,
// which the library links anyway, is not instrumented: checking is cheap.
inline bool IsJson(const std::string& json) {
  static simdjson::dom::parser* parser = new simdjson::dom::parser();
  simdjson::dom::element doc;
  return parser->parse(json).get(doc) == simdjson::SUCCESS;
}

// Decides `facts` with explain off and on and checks what must hold for any
// case: explaining does not change the decision, a failed decision says
// why, the JSON forms are valid JSON, and Policy::DecideToJson writes the
// same JSON as DecisionToJson(Decide(...)).
inline void DecideAndCheck(const aftersales::Policy& policy, const aftersales::Facts& facts) {
  aftersales::DecideOptions plain, explain;
  explain.explain = true;
  aftersales::Decision d = policy.Decide(facts, plain);
  aftersales::Decision e = policy.Decide(facts, explain);

  std::string json = aftersales::DecisionToJson(d);
  std::string explained = aftersales::DecisionToJson(e);
  FUZZ_CHECK(json == explained, "explain changed the decision:\n" + json + "\n" + explained);
  FUZZ_CHECK(d.trace.empty(), json);
  FUZZ_CHECK(d.ok() || !d.errors.front().message.empty(), json);
  FUZZ_CHECK(IsJson(json), "DecisionToJson is not JSON:\n" + json);

  std::string traced = aftersales::DecisionToJson(e, /*include_trace=*/true);
  FUZZ_CHECK(IsJson(traced), "DecisionToJson with the trace is not JSON:\n" + traced);
  // The indented form (written another way; slow under the sanitizers with
  // the whole trace, so without it).
  FUZZ_CHECK(IsJson(aftersales::DecisionToJson(e, /*include_trace=*/false, /*indent=*/2)), json);
  std::string text = aftersales::DecisionToText(e, /*include_trace=*/true);
  FUZZ_CHECK(!text.empty(), json);

  // The JSON written straight from the engine is the same, byte for byte.
  bool decided = !d.ok();
  std::string direct = policy.DecideToJson(facts, plain, &decided);
  FUZZ_CHECK(direct == json, "DecideToJson differs from DecisionToJson(Decide):\n" + direct + "\n" + json);
  FUZZ_CHECK(decided == d.ok(), json);
  std::string direct_traced = policy.DecideToJson(facts, explain, &decided);
  FUZZ_CHECK(direct_traced == traced, "DecideToJson with explain differs:\n" + direct_traced + "\n" + traced);
}

}  // namespace aftersales_fuzz

#endif  // AFTERSALES_TESTS_FUZZ_FUZZ_COMMON_H_
