// A shop backend in C++: load the shipped policy once, decide a few cases,
// print what the agent would send. Usage: decide_cases POLICY CASE.json...
#include <aftersales/aftersales.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: decide_cases POLICY CASE.json...\n";
    return 2;
  }
  aftersales::LoadResult loaded = aftersales::LoadPolicy(argv[1]);
  if (!loaded.ok()) {
    std::cerr << aftersales::FormatIssues(loaded.issues);
    return 2;
  }
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto facts = loaded.policy->ReadFactsJson(json, argv[i]);
    if (!facts.ok()) {
      std::cerr << facts.status().message() << "\n";
      status = 2;
      continue;
    }
    aftersales::Decision d = loaded.policy->Decide(*facts);
    if (!d.ok()) {
      for (const auto& e : d.errors) std::cerr << argv[i] << ": " << e.message << "\n";
      status = 1;
      continue;
    }
    const aftersales::FieldValue* resolution = d.Find("resolution");
    const aftersales::FieldValue* refund = d.Find("refund_cents");
    std::cout << d.case_id << " " << (resolution ? resolution->string_value : "?") << " refund="
              << (refund ? refund->int_value : 0) << " policy=" << d.policy_digest.substr(0, 15) << "\n"
              << d.script_text << "\n\n";
  }
  return status;
}
