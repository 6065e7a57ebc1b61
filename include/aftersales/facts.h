// Facts: one case, read against the schema of the policy that will decide
// it. Reading resolves every fact name to a slot once, so deciding does no
// string lookups. An absent fact stays absent: it is not false, 0 or "".
//
// Facts come from a policy: Policy::ReadFactsJson / ReadFactsYaml, or
// Policy::NewFacts() for a builder. Facts are immutable and may be read by
// several threads at once. Facts and builders keep what they need of their
// policy alive (its enum words, its defaults), so they stay usable after the
// Policy is gone; they are decided only by the policy that read them (or
// one of its platform overlays), which they know by a unique id.
//
// The facts of the shipped vocabulary (case.*, customer.*, order.*, item.*,
// issue.*, logistics.*, request.*), their types and what absent means are in
// docs/vocabulary.md.
#ifndef AFTERSALES_FACTS_H_
#define AFTERSALES_FACTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/result.h"
#include "aftersales/status.h"

namespace aftersales {

namespace internal {
struct FactsData;
class PolicyInternal;
}  // namespace internal

class AFTERSALES_EXPORT Facts {
 public:
  Facts(Facts&&) noexcept;
  Facts& operator=(Facts&&) noexcept;
  Facts(const Facts&) = delete;
  Facts& operator=(const Facts&) = delete;
  ~Facts();

  // The case id fact (case.id in the vocabulary), or "" when absent.
  std::string case_id() const;

 private:
  friend class FactsBuilder;
  friend class internal::PolicyInternal;
  explicit Facts(std::unique_ptr<internal::FactsData> data);
  std::unique_ptr<internal::FactsData> data_;
};

// Builds one case in code. Each setter checks the name and the type against
// the policy's schema at once, as the readers do (money below zero unless
// declared `signed: true`, a timezone fact not shaped like a zone name),
// and returns InvalidArgument naming the field when either is wrong; the
// builder stays usable. Not thread-safe.
class AFTERSALES_EXPORT FactsBuilder {
 public:
  FactsBuilder(FactsBuilder&&) noexcept;
  FactsBuilder& operator=(FactsBuilder&&) noexcept;
  ~FactsBuilder();

  Status SetString(std::string_view name, std::string_view value);  // string and enum facts
  Status SetInt(std::string_view name, std::int64_t value);         // int and money facts
  Status SetUint(std::string_view name, std::uint64_t value);
  Status SetDouble(std::string_view name, double value);
  Status SetBool(std::string_view name, bool value);
  // RFC 3339 with an offset, e.g. "2026-11-20T14:03:00+08:00".
  Status SetTimestamp(std::string_view name, std::string_view rfc3339);
  // Duration as CEL writes it, e.g. "90s", "1.5h".
  Status SetDuration(std::string_view name, std::string_view duration);
  Status SetStringList(std::string_view name, const std::vector<std::string>& values);
  // Marks a fact absent again.
  Status Clear(std::string_view name);

  // The case so far. The builder may be reused afterwards.
  Facts Build() const;

 private:
  friend class internal::PolicyInternal;
  explicit FactsBuilder(std::unique_ptr<internal::FactsData> data);
  std::unique_ptr<internal::FactsData> data_;
};

}  // namespace aftersales

#endif  // AFTERSALES_FACTS_H_
