// Text helpers: UTF-8 validation, code-point columns, edit distance and the
// "did you mean" suggestion.
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/text.h"

namespace aftersales::internal {

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(is_valid_utf8) {
  struct Row {
    std::string in;
    const char* what;
    bool valid;
  };
  const std::vector<Row> rows = {
      {"", "empty", true},
      {"plain ascii", "ascii", true},
      {std::string("nul\0inside", 10), "NUL byte", true},
      {"\xc3\xa9", "e acute (2 bytes)", true},
      {"电热水壶", "CJK (3 bytes each)", true},
      {"\xf0\x9f\x98\x80", "emoji (4 bytes)", true},
      {"\xf4\x8f\xbf\xbf", "U+10FFFF", true},
      {"\xef\xbf\xbf", "U+FFFF", true},
      {"a\xe7\x94\xb5", "ends with a complete 3-byte sequence", true},
      {"\x80", "lone continuation byte", false},
      {"\xc3", "truncated 2-byte sequence", false},
      {"\xe7\x94", "truncated 3-byte sequence", false},
      {"\xf0\x9f\x98", "truncated 4-byte sequence", false},
      {"\xc3(", "bad continuation", false},
      {"\xc0\xaf", "overlong 2-byte", false},
      {"\xe0\x80\xaf", "overlong 3-byte", false},
      {"\xf0\x80\x80\xaf", "overlong 4-byte", false},
      {"\xed\xa0\x80", "surrogate U+D800", false},
      {"\xed\xbf\xbf", "surrogate U+DFFF", false},
      {"\xf4\x90\x80\x80", "above U+10FFFF", false},
      {"\xf8\x88\x80\x80\x80", "5-byte form", false},
      {"\xff", "0xFF", false},
      {"ok\xe7\x94\xb5\xe7", "valid then truncated", false},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.what) {
      BOOST_TEST(IsValidUtf8(r.in) == r.valid);
      // Walking the text sequence by sequence agrees.
      bool walked = true;
      for (std::size_t i = 0; i < r.in.size() && walked;) {
        std::size_t n = Utf8SequenceLength(r.in, i);
        walked = n > 0;
        i += n;
      }
      BOOST_TEST(walked == r.valid);
    }
  }
}

// The JSON writer used to take C0/C1 leads, overlong forms and surrogates for
// sequences (found by fuzz_decide).
BOOST_AUTO_TEST_CASE(utf8_sequence_length) {
  BOOST_TEST(Utf8SequenceLength("a", 0) == 1u);
  BOOST_TEST(Utf8SequenceLength("\xc3\xa9", 0) == 2u);
  BOOST_TEST(Utf8SequenceLength("\xe7\x94\xb5", 0) == 3u);
  BOOST_TEST(Utf8SequenceLength("\xf0\x9f\x98\x80", 0) == 4u);
  BOOST_TEST(Utf8SequenceLength("x\xc3\xa9", 1) == 2u);
  BOOST_TEST(Utf8SequenceLength("\xc1\x94", 0) == 0u);          // overlong (C1 lead)
  BOOST_TEST(Utf8SequenceLength("\xc0\x80", 0) == 0u);          // overlong NUL
  BOOST_TEST(Utf8SequenceLength("\xe0\x9f\xbf", 0) == 0u);     // overlong 3-byte
  BOOST_TEST(Utf8SequenceLength("\xed\xa0\x80", 0) == 0u);     // surrogate
  BOOST_TEST(Utf8SequenceLength("\xf0\x8f\xbf\xbf", 0) == 0u);  // overlong 4-byte
  BOOST_TEST(Utf8SequenceLength("\xf4\x90\x80\x80", 0) == 0u);  // past U+10FFFF
  BOOST_TEST(Utf8SequenceLength("\xf5\x80\x80\x80", 0) == 0u);  // F5 lead
  BOOST_TEST(Utf8SequenceLength("\x80", 0) == 0u);               // continuation byte
  BOOST_TEST(Utf8SequenceLength("\xe7\x94", 0) == 0u);          // cut at the end
}

BOOST_AUTO_TEST_CASE(code_points_before) {
  const std::string s = "item.name == '电热水壶' && x";  // each CJK character is 3 bytes
  BOOST_TEST(CodePointsBefore(s, 0) == 0u);
  BOOST_TEST(CodePointsBefore(s, 4) == 4u);
  BOOST_TEST(CodePointsBefore(s, 14) == 14u);       // the first CJK byte
  BOOST_TEST(CodePointsBefore(s, 17) == 15u);       // after one CJK character
  BOOST_TEST(CodePointsBefore(s, 26) == 18u);       // the closing quote
  BOOST_TEST(CodePointsBefore(s, s.size()) == 24u);
  BOOST_TEST(CodePointsBefore(s, s.size() + 100) == 24u);  // clamped
  BOOST_TEST(CodePointsBefore("\xf0\x9f\x98\x80!", 4) == 1u);
  BOOST_TEST(CodePointsBefore("", 5) == 0u);
}

BOOST_AUTO_TEST_CASE(edit_distance) {
  struct Row {
    const char* a;
    const char* b;
    std::size_t d;
  };
  const std::vector<Row> rows = {
      {"", "", 0},
      {"abc", "abc", 0},
      {"", "abc", 3},
      {"abc", "", 3},
      {"kitten", "sitting", 3},
      {"tmal", "tmall", 1},
      {"order.delivred_at", "order.delivered_at", 1},
      {"flaw", "lawn", 2},
      {"ab", "ba", 2},
      {"sise", "size", 1},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.a << " / " << r.b) {
      BOOST_TEST(EditDistance(r.a, r.b) == r.d);
      BOOST_TEST(EditDistance(r.b, r.a) == r.d);
    }
  }
  // Bytes, not code points: one CJK character differs in one of its bytes.
  BOOST_TEST(EditDistance("电", "甸") == 1u);
  BOOST_TEST(EditDistance("电", "a") == 3u);
  // Capped: anything beyond the cap reads as cap + 1.
  BOOST_TEST(EditDistance("aaaaaaaaaa", "b", 3) == 4u);
  BOOST_TEST(EditDistance("abcd", "wxyz", 1) == 2u);
  BOOST_TEST(EditDistance("kitten", "sitting", 3) == 3u);
}

BOOST_AUTO_TEST_CASE(did_you_mean) {
  const std::vector<std::string> facts = {"order.delivered_at", "order.total_paid_cents", "case.platform",
                                          "item.name", "issue.evidence"};
  const std::vector<std::string> platforms = {"taobao", "tmall", "jd"};
  const std::vector<std::string> functions = {"size", "matches", "startsWith", "endsWith", "contains"};
  struct Row {
    const char* name;
    const std::vector<std::string>* candidates;
    const char* want;  // nullptr: no suggestion
  };
  const std::vector<Row> rows = {
      {"order.delivred_at", &facts, "order.delivered_at"},
      {"order.total_paid_cent", &facts, "order.total_paid_cents"},
      {"case.platfrom", &facts, "case.platform"},
      {"tmal", &platforms, "tmall"},
      {"taobo", &platforms, "taobao"},
      {"jb", &platforms, "jd"},
      {"sise", &functions, "size"},
      {"startswith", &functions, "startsWith"},
      {"amazon", &platforms, nullptr},
      {"x", &platforms, nullptr},
      {"tmall", &platforms, nullptr},  // the name itself is no suggestion
      {"completely.unrelated", &facts, nullptr},
      {"", &platforms, nullptr},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      std::optional<std::string> got = DidYouMean(r.name, *r.candidates);
      if (r.want == nullptr) {
        BOOST_TEST(!got.has_value(), "suggested " << got.value_or(""));
      } else {
        BOOST_TEST_REQUIRE(got.has_value());
        BOOST_TEST(*got == r.want);
      }
    }
  }
  BOOST_TEST(!DidYouMean("tmal", {}).has_value());
  // The closest wins over an earlier, farther one.
  BOOST_TEST(DidYouMean("abcdefghij", {"abcdefgxyz", "abcdefghiz"}).value_or("") == "abcdefghiz");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
