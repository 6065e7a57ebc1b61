// Loading a policy against the floor of issue 15: the whole load
// (LoadPolicy: read, check, compile, index, digest) next to yaml-cpp's own
// event scan of the same files with a handler that does nothing, the least
// any YAML-reading loader must spend.
//
//   load_bench PATH [--reps N] [--load-only] [--keep]
//
// PATH is a policy folder or file. Prints the best of N runs of each and
// their ratio, then the process's peak resident memory. Run it once more
// with --load-only under /usr/bin/time for the peak of a load alone.
// Figures and commands: docs/performance.md.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"

namespace {

class NullHandler : public YAML::EventHandler {
 public:
  std::size_t events = 0;
  void OnDocumentStart(const YAML::Mark&) override { ++events; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {
    ++events;
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnMapEnd() override {}
};

std::vector<std::string> ReadTexts(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
  } else {
    files.push_back(path);
  }
  std::vector<std::string> texts;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    texts.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return texts;
}

template <typename F>
double Seconds(F&& run) {
  auto start = std::chrono::steady_clock::now();
  run();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return took.count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_bench PATH [--reps N] [--load-only]\n");
    return 2;
  }
  std::string path = argv[1];
  int reps = 5;
  bool load_only = false;
  bool keep = false;  // never free the policies (what a heap profiler's leak report then shows is what a policy holds)
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--load-only") {
      load_only = true;
    } else if (arg == "--keep") {
      keep = true;
    }
  }
  std::vector<std::string> texts = ReadTexts(path);
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  std::size_t rules = 0, events = 0;
  double held_mb = 0;  // heap the loaded policy holds
  // Best of `reps`, the two measured in turn so that a busy moment of the
  // machine hits both alike. The loaded policy is freed after its clock
  // stops: freeing is not loading.
  double load = std::numeric_limits<double>::infinity();
  double scan = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < reps; ++rep) {
    aftersales::LoadResult loaded;
    load = std::min(load, Seconds([&] { loaded = aftersales::LoadPolicy(path); }));
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", aftersales::FormatIssues(loaded.issues).c_str());
      return 1;
    }
    rules = loaded.policy->rule_ids().size();
    double with = static_cast<double>(mallinfo2().uordblks);
    if (keep) new aftersales::LoadResult(loaded);  // NOLINT: kept on purpose
    loaded = {};
    held_mb = (with - static_cast<double>(mallinfo2().uordblks)) / 1e6;
    if (load_only) continue;
    scan = std::min(scan, Seconds([&] {
      events = 0;
      for (const auto& text : texts) {
        std::istringstream in(text);
        YAML::Parser parser(in);
        NullHandler handler;
        while (parser.HandleNextDocument(handler)) {
        }
        events += handler.events;
      }
    }));
  }
  if (load_only) {
    std::printf("load %.3f s, %zu rules, the policy holds %.1f MB\n", load, rules, held_mb);
    return 0;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%s: %zu files, %.1f MB, %zu YAML events, %zu rules\n", path.c_str(), texts.size(),
              bytes / 1e6, events, rules);
  std::printf("yaml-cpp event scan  %8.3f s\n", scan);
  std::printf("LoadPolicy           %8.3f s  (%.2fx the scan)\n", load, load / scan);
  std::printf("the loaded policy    %8.1f MB of heap\n", held_mb);
  std::printf("peak resident memory %8.1f MB (the whole run)\n", usage.ru_maxrss / 1024.0);
  return 0;
}
