// LocaleMatcher: picks, among the locales a policy supports, the one that
// best serves what a case asks for, the way a browser's Accept-Language is
// negotiated. `en-US` and `en-GB` are served by `en`; Chinese is matched by
// script: `zh`, `zh-CN`, `zh-SG`, `zh-Hans(-*)` are simplified (served by
// `zh-CN`), `zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant(-*)` traditional (served by
// `zh-TW`). Case does not matter, `_` stands for `-`, and a POSIX suffix is
// dropped (`zh_CN.UTF-8`). A list with q-values (`fr-CH, en;q=0.8, zh;q=0.5`)
// is tried best q first (ties in their order); the first entry that some
// supported locale serves decides.
//
// Any text is accepted, however odd: what matches nothing gives nullopt, and
// the caller falls back. Work is bounded whatever the input: only the first
// kMaxEntries entries are looked at, and a tag longer than kMaxTagLength is
// skipped. Immutable once built; Match is safe from any number of threads.
//
// Depends on nothing but the standard library.
#ifndef AFTERSALES_COMMON_LOCALE_MATCH_H_
#define AFTERSALES_COMMON_LOCALE_MATCH_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::internal {

class LocaleMatcher {
 public:
  static constexpr std::size_t kMaxEntries = 32;
  static constexpr std::size_t kMaxTagLength = 64;

  // `supported`: the locale tags to choose from, best first when several
  // serve a request equally well (zh-CN, zh-TW, en). Any strings: one that
  // is not a locale tag is matched only by the same text.
  explicit LocaleMatcher(std::vector<std::string> supported);

  // The index in `supported` of the locale that serves `requested` (one tag
  // or an Accept-Language list), or nullopt when none does.
  std::optional<std::size_t> Match(std::string_view requested) const;

  const std::vector<std::string>& supported() const { return supported_; }

 private:
  // A tag's parts, lower-cased; `script` is inferred for Chinese.
  struct Tag {
    bool ok = false;
    std::string language, script, region;
  };
  static Tag Parse(std::string_view tag);
  std::optional<std::size_t> MatchOne(std::string_view tag) const;

  std::vector<std::string> supported_;
  std::vector<std::string> normalized_;  // lower case, '-' for '_'
  std::vector<Tag> tags_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_LOCALE_MATCH_H_
