// Locale negotiation: tags, Chinese scripts and regions, case and '_',
// POSIX suffixes, Accept-Language lists with q-values, and garbage of any
// size, which matches nothing and never crashes.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/locale_match.h"

namespace aftersales::internal {

namespace {

// What `matcher` picks for `requested`, as the supported tag ("" for none).
std::string Picked(const LocaleMatcher& matcher, std::string_view requested) {
  std::optional<std::size_t> i = matcher.Match(requested);
  return i ? matcher.supported()[*i] : "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(locale_match)

BOOST_AUTO_TEST_CASE(the_shipped_locales) {
  const LocaleMatcher m({"zh-CN", "zh-TW", "en"});
  struct Row {
    std::string in;
    std::string want;
  };
  const std::vector<Row> rows = {
      // Exact, and the same in another case or with '_'.
      {"zh-CN", "zh-CN"}, {"zh-TW", "zh-TW"}, {"en", "en"},
      {"ZH-cn", "zh-CN"}, {"zh_CN", "zh-CN"}, {"EN", "en"}, {"zh_tw", "zh-TW"},
      // English of any region.
      {"en-US", "en"}, {"en-GB", "en"}, {"en_AU", "en"}, {"en-Latn-US", "en"}, {"en-US-x-private", "en"},
      // Simplified Chinese.
      {"zh", "zh-CN"}, {"zh-Hans", "zh-CN"}, {"zh-Hans-CN", "zh-CN"}, {"zh-SG", "zh-CN"}, {"zh-MY", "zh-CN"},
      {"zh-hans-sg", "zh-CN"}, {"zh-Hans-HK", "zh-CN"},
      // Traditional Chinese.
      {"zh-Hant", "zh-TW"}, {"zh-HK", "zh-TW"}, {"zh-MO", "zh-TW"}, {"zh-Hant-TW", "zh-TW"},
      {"zh-Hant-HK", "zh-TW"}, {"zh_HK", "zh-TW"}, {"zh-hant-cn", "zh-TW"},
      // POSIX locale names.
      {"zh_CN.UTF-8", "zh-CN"}, {"en_US.utf8", "en"}, {"zh_TW.Big5@stroke", "zh-TW"},
      // Surrounding space.
      {"  en-US ", "en"},
      // Nothing the policy serves.
      {"fr", ""}, {"fr-CH", ""}, {"de-DE", ""}, {"ja", ""}, {"C", ""}, {"POSIX", ""}, {"*", ""}, {"", ""},
      {"e", ""}, {"english", ""}, {"zh-", "zh-CN"}, {"-", ""}, {"--", ""}, {"en--US", "en"}, {";q=1", ""},
      {"电话", ""}, {"\xff\xfe", ""}, {"x-klingon", ""}, {"i-default", ""},
  };
  for (const Row& row : rows) BOOST_TEST(Picked(m, row.in) == row.want, "'" << row.in << "'");
}

BOOST_AUTO_TEST_CASE(accept_language_lists) {
  const LocaleMatcher m({"zh-CN", "zh-TW", "en"});
  struct Row {
    std::string in;
    std::string want;
  };
  const std::vector<Row> rows = {
      {"fr-CH, en;q=0.8, zh;q=0.5", "en"},
      {"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "en"},
      {"zh;q=0.5, en;q=0.8", "en"},            // best q first, whatever the order
      {"en;q=0.5, zh-HK;q=0.9", "zh-TW"},
      {"de, zh-TW;q=0.1", "zh-TW"},
      {"en;q=0, zh", "zh-CN"},                 // q=0: not acceptable
      {"en;q=0.000, fr", ""},
      {"en;q=abc, zh", "zh-CN"},               // an unreadable q-value: the entry is skipped
      {"en; q = 0.7 , zh ; q=0.6", "en"},
      {"EN;Q=0.7,ZH;Q=0.9", "zh-CN"},
      {"en;q=2, zh;q=1", "en"},                // q over 1 counts as 1, and the order decides ties
      {"zh-TW;q=1, zh-CN;q=1", "zh-TW"},
      {"en;level=1;q=0.5, fr", "en"},          // other parameters are ignored
      {",,, en", "en"},
      {"fr,de,ja,ko,ru,es,it,pt,nl,sv", ""},
      {"en-US,en;q=0.9,zh-CN;q=0.8,zh;q=0.7", "en"},
      {"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},
  };
  for (const Row& row : rows) BOOST_TEST(Picked(m, row.in) == row.want, "'" << row.in << "'");
}

BOOST_AUTO_TEST_CASE(other_supported_sets) {
  // Regions of its own: the closest one; a policy with zh-Hans/zh-Hant.
  const LocaleMatcher regions({"en-GB", "en-US", "zh-HK", "zh-TW", "fr"});
  BOOST_TEST(Picked(regions, "en-US") == "en-US");
  BOOST_TEST(Picked(regions, "en") == "en-GB");  // no region: the first English
  BOOST_TEST(Picked(regions, "en-AU") == "en-GB");
  BOOST_TEST(Picked(regions, "zh-MO") == "zh-HK");
  BOOST_TEST(Picked(regions, "zh-Hant") == "zh-HK");
  BOOST_TEST(Picked(regions, "zh-CN") == "");    // simplified: none here
  BOOST_TEST(Picked(regions, "fr-CA") == "fr");

  const LocaleMatcher scripts({"zh-Hans", "zh-Hant", "sr-Latn", "sr-Cyrl"});
  BOOST_TEST(Picked(scripts, "zh-CN") == "zh-Hans");
  BOOST_TEST(Picked(scripts, "zh-TW") == "zh-Hant");
  BOOST_TEST(Picked(scripts, "zh") == "zh-Hans");
  BOOST_TEST(Picked(scripts, "sr-Cyrl-RS") == "sr-Cyrl");
  BOOST_TEST(Picked(scripts, "sr") == "sr-Latn");  // no script named: the first

  // Odd supported strings only match themselves.
  const LocaleMatcher odd({"", "klingon", "x"});
  BOOST_TEST(Picked(odd, "klingon") == "klingon");
  BOOST_TEST(Picked(odd, "KLINGON") == "klingon");
  BOOST_TEST(Picked(odd, "") == "");
  BOOST_TEST(!LocaleMatcher({}).Match("en").has_value());
}

BOOST_AUTO_TEST_CASE(huge_and_random_input_is_bounded_and_never_crashes) {
  const LocaleMatcher m({"zh-CN", "zh-TW", "en"});
  BOOST_TEST(Picked(m, std::string(1 << 20, 'a')) == "");
  BOOST_TEST(Picked(m, std::string(1 << 20, ',')) == "");
  BOOST_TEST(Picked(m, std::string(1 << 20, ';')) == "");
  BOOST_TEST(Picked(m, std::string(1 << 20, '-')) == "");
  BOOST_TEST(Picked(m, "en-" + std::string(1 << 20, 'x')) == "");  // longer than any tag
  // Only the first entries are looked at.
  std::string many;
  for (std::size_t i = 0; i < LocaleMatcher::kMaxEntries; ++i) many += "fr, ";
  BOOST_TEST(Picked(m, many + "en") == "");
  BOOST_TEST(Picked(m, "en, " + many) == "en");
  std::string long_list;
  for (int i = 0; i < 100000; ++i) long_list += "xx;q=0.5,";
  BOOST_TEST(Picked(m, long_list + "en") == "");

  std::mt19937 rng(2026);
  const std::string alphabet = "enzhCNTWHKansz-_;,=.q0189 @*\t\x80\xff\xe4";
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 40, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    std::optional<std::size_t> i = m.Match(s);
    BOOST_TEST((!i || *i < 3), s);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
