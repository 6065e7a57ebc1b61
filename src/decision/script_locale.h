// The language of a decision's reply. The fired rules' scripts make one
// reply, one paragraph each, and the reply is in one language: the case's
// locale when every paragraph has text in it, otherwise the fallback
// locale throughout, so that `script.locale` says what the text is in.
// The engine (RenderScript) picks it; the decision log, rendering the reply
// again to mask it, reads it back from `script.locale` and takes each rule's
// text in it (ScriptIn), as the engine did.
#ifndef AFTERSALES_DECISION_SCRIPT_LOCALE_H_
#define AFTERSALES_DECISION_SCRIPT_LOCALE_H_

#include <cstddef>
#include <vector>

#include "policy/policy_model.h"

namespace aftersales::internal {

// `rule`'s text in locale `locale` (an index of the policy's locales), or
// nullptr when it has none there.
inline const Template* ScriptIn(const Rule& rule, std::size_t locale) {
  if (locale < rule.scripts.size() && rule.scripts[locale]) return &*rule.scripts[locale];
  return nullptr;
}

// The locale the reply of `fired` is written in, for a case that wants
// `wanted` (an index of m.locales: the case's, or the default when it names
// none). `wanted`, unless a fired rule has text in the fallback locale but
// none in `wanted`: then the fallback locale, for the whole reply (a rule
// without text there adds nothing, as for a case in the fallback locale).
// A rule with text in neither adds nothing either way, so it does not move
// the reply out of `wanted`.
inline std::size_t ReplyLocale(const PolicyModel& m, std::size_t wanted, const std::vector<const Rule*>& fired) {
  if (wanted == m.fallback_locale || m.fallback_locale >= m.locales.size()) return wanted;
  for (const Rule* rule : fired) {
    if (ScriptIn(*rule, wanted) == nullptr && ScriptIn(*rule, m.fallback_locale) != nullptr) {
      return m.fallback_locale;
    }
  }
  return wanted;
}

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_SCRIPT_LOCALE_H_
