// LocaleFact: the policy's locale fact (`locale_fact`, case.locale), read
// the way a browser's Accept-Language is negotiated (common/locale_match.h).
// A case may give any text there: `en-US`, `zh_HK`, `fr-CH, en;q=0.8`, or
// nonsense. The fact then holds the best word the policy has for it (a
// word of the fact's enum, or of the policy's `locales` for a string fact),
// else the word of the policy's `fallback_locale`; a case is never refused
// for its locale. Built once per policy; Read is const and thread-safe.
#ifndef AFTERSALES_DECISION_LOCALE_FACT_H_
#define AFTERSALES_DECISION_LOCALE_FACT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/locale_match.h"
#include "common/value.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

class LocaleFact {
 public:
  // nullopt when the policy has no locale fact. REQUIRES: `model` outlives
  // the result (values read refer to its words).
  static std::optional<LocaleFact> For(const PolicyModel& model);

  std::uint32_t slot() const { return slot_; }

  // The value the fact holds for `text`: the negotiated word (referring to
  // the policy's own copy, like any enum word a case gives), or absent when
  // not even the fallback locale is one of the words.
  Value Read(std::string_view text) const;

 private:
  LocaleFact(std::uint32_t slot, const std::vector<std::string>& words, std::optional<std::size_t> fallback);

  std::uint32_t slot_;
  const std::vector<std::string>* words_;  // the enum's values, or the policy's locales
  LocaleMatcher matcher_;
  std::optional<std::size_t> fallback_;    // index in *words_
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_LOCALE_FACT_H_
