// Policy: a loaded, checked, compiled after-sales policy. Immutable after
// loading and safe to share between threads: Decide and the fact readers
// are const and keep no state between calls.
//
// A policy whose header declares `platforms` holds one overlay policy per
// platform (docs/policy-language.md, "One policy for every platform"): it
// reads every case, and each case is decided by the rules of its platform's
// overlay, or by the policy's own rules when it has none.
//
//   auto loaded = aftersales::LoadPolicy("rules");
//   if (!loaded.ok()) { std::cerr << aftersales::FormatIssues(loaded.issues); }
//   auto facts = loaded.policy->ReadFactsJson(json_text);
//   if (facts.ok()) {
//     aftersales::Decision d = loaded.policy->Decide(*facts);
//     std::cout << aftersales::DecisionToJson(d) << "\n";
//   }
#ifndef AFTERSALES_POLICY_H_
#define AFTERSALES_POLICY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decision.h"
#include "aftersales/export.h"
#include "aftersales/facts.h"
#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "aftersales/result.h"

namespace aftersales {

namespace internal {
class PolicyImpl;
class PolicyInternal;
}  // namespace internal

class Policy;

// One platform's rules in a policy that declares `platforms`.
struct PlatformOverlay {
  std::string platform;                  // the word of the platform fact: "jd"
  std::string path;                      // the overlay's path as loaded: "rules/platforms/jd"
  std::shared_ptr<const Policy> policy;  // the overlay, loaded on its own (never null)
};

class AFTERSALES_EXPORT Policy {
 public:
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  const std::string& name() const;
  const std::string& version() const;
  // "sha256:<64 hex>" of the policy's canonical content: same rules, same
  // digest. With platform overlays it covers every overlay too.
  const std::string& digest() const;
  // The ids of the policy's rules, stage by stage, in order; then the ids
  // of its platform overlays' rules that it does not have itself.
  std::vector<std::string> rule_ids() const;
  // The platform overlays, in the order the header names them; empty for a
  // policy without `platforms` (and for an overlay itself).
  const std::vector<PlatformOverlay>& platform_overlays() const;
  // Warnings found while loading (errors make loading fail instead).
  const std::vector<Issue>& warnings() const;

  // Reads one case. Undeclared fields are ignored; a declared field with the
  // wrong type, an enum value the schema lacks, a timestamp that is not
  // RFC 3339, a money fact below zero (unless declared `signed: true`) or a
  // timezone fact that is not shaped like a zone name (at most 64 bytes)
  // gives InvalidArgument naming the field. A UTF-8 byte-order mark before
  // a JSON case is skipped. The locale fact
  // (case.locale) takes any text and holds the locale negotiated from it
  // (`en-US` is `en`, `zh-HK` is `zh-TW`, unknown is the fallback locale).
  // `source_name` prefixes error messages (a file name); may be empty.
  Result<Facts> ReadFactsJson(std::string_view json, std::string_view source_name = {}) const;
  Result<Facts> ReadFactsYaml(std::string_view yaml, std::string_view source_name = {}) const;
  FactsBuilder NewFacts() const;

  // Decides one case. Never throws; a case that cannot be decided comes back
  // with errors. With platform overlays, the overlay of the case's platform
  // decides it, and the decision names that overlay (policy_name, _version,
  // _digest). REQUIRES: `facts` was read by this policy, or this is a
  // platform overlay and they were read by the policy that holds it
  // (otherwise the decision holds an error saying so).
  Decision Decide(const Facts& facts, const DecideOptions& options = {}) const;

  // The same decision as one line of JSON: exactly what
  // DecisionToJson(Decide(facts, options), options.explain) gives, but
  // written straight from the engine without building a Decision, which
  // makes it the faster way to decide many cases. Never throws. `decided`,
  // when given, is set to whether the case was decided (false: the JSON
  // holds the errors).
  std::string DecideToJson(const Facts& facts, const DecideOptions& options = {}, bool* decided = nullptr) const;

 private:
  friend class internal::PolicyInternal;
  explicit Policy(std::shared_ptr<const internal::PolicyImpl> impl);
  std::shared_ptr<const internal::PolicyImpl> impl_;
};

}  // namespace aftersales

#endif  // AFTERSALES_POLICY_H_
