#include "policy/yaml_reader.h"

#include <boost/test/unit_test.hpp>

#include <string>

namespace aftersales::internal {
namespace {

std::string Where(const SourceLocation& loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

// The location of the first byte of `needle` within the scalar's value.
std::string LocateNeedle(const YamlNode& scalar, std::string_view text, std::string_view needle) {
  std::size_t at = scalar.value.find(needle);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" << needle << "' not in value");
  return Where(LocateInScalar(scalar, at, text));
}

BOOST_AUTO_TEST_SUITE(YamlReaderTest)

BOOST_AUTO_TEST_CASE(ReadsMapsListsAndScalarsWithLocations) {
  std::string text = "a: 1\nb:\n  - x\n  - 'y'\nc: {d: \"z\"}\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  BOOST_REQUIRE(doc.issues.empty());
  BOOST_REQUIRE(doc.root && doc.root->IsMap());
  const YamlNode& root = *doc.root;
  BOOST_REQUIRE_EQUAL(root.entries.size(), 3u);
  BOOST_CHECK_EQUAL(root.Find("a")->value, "1");
  BOOST_CHECK_EQUAL(Where(root.Find("a")->location), "1:4");
  const YamlNode* b = root.Find("b");
  BOOST_REQUIRE(b && b->IsSequence());
  BOOST_CHECK_EQUAL(Where(b->items[1].location), "4:5");
  BOOST_CHECK(b->items[1].style == YamlNode::Style::kSingleQuoted);
  BOOST_CHECK_EQUAL(b->items[1].value, "y");
  const YamlNode* d = root.Find("c")->Find("d");
  BOOST_REQUIRE(d);
  BOOST_CHECK(d->style == YamlNode::Style::kDoubleQuoted);
  BOOST_CHECK_EQUAL(Where(d->location), "5:8");
  BOOST_CHECK_EQUAL(d->location.file(), "f.yaml");
  BOOST_CHECK(root.Find("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(ColumnsCountCodePoints) {
  std::string text = "名字: 值\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  BOOST_REQUIRE(doc.root && doc.root->IsMap());
  BOOST_CHECK_EQUAL(Where(doc.root->entries[0].second.location), "1:5");
}

BOOST_AUTO_TEST_CASE(NullsAndEmptyValues) {
  YamlDocument doc = ReadYaml("a: ~\nb:\nnext: null\n", "f.yaml");
  BOOST_REQUIRE(doc.root && doc.issues.empty());
  BOOST_CHECK(doc.root->Find("a")->kind == YamlNode::Kind::kNull);
  // An empty value points at its key, not at the next line.
  BOOST_CHECK_EQUAL(Where(doc.root->Find("b")->location), "2:1");
  BOOST_CHECK(doc.root->Find("next")->kind == YamlNode::Kind::kNull);
  BOOST_CHECK_EQUAL(Where(doc.root->Find("next")->location), "3:7");
}

BOOST_AUTO_TEST_CASE(EmptyFileIsANullDocument) {
  for (std::string text : {"", "# just a comment\n", "\n\n"}) {
    YamlDocument doc = ReadYaml(text, "f.yaml");
    BOOST_CHECK(doc.issues.empty());
    BOOST_REQUIRE(doc.root);
    BOOST_CHECK(doc.root->kind == YamlNode::Kind::kNull);
  }
}

BOOST_AUTO_TEST_CASE(SyntaxErrorHasLocation) {
  YamlDocument doc = ReadYaml("a: [1, 2\nb: 3\n", "f.yaml");
  BOOST_CHECK(!doc.root);
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.syntax");
  BOOST_CHECK_EQUAL(doc.issues[0].location.file, "f.yaml");
  BOOST_CHECK_GT(doc.issues[0].location.line, 0);
}

BOOST_AUTO_TEST_CASE(TabIndentationIsNamed) {
  YamlDocument doc = ReadYaml("a:\n\tb: 1\n", "f.yaml");
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.tab");
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "2:1");
}

BOOST_AUTO_TEST_CASE(UnclosedQuoteIsAnError) {
  YamlDocument doc = ReadYaml("a: 1\nb: \"open\n", "f.yaml");
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "2:4");
}

BOOST_AUTO_TEST_CASE(DuplicateKeysAreReportedAndFirstWins) {
  YamlDocument doc = ReadYaml("a: 1\nb: 2\na: 3\n", "f.yaml");
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.duplicate_key");
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "3:1");
  BOOST_CHECK_EQUAL(doc.issues[0].message, "duplicate key 'a' (first defined at f.yaml:1:1)");
  BOOST_REQUIRE(doc.root);
  BOOST_CHECK_EQUAL(doc.root->entries.size(), 2u);
  BOOST_CHECK_EQUAL(doc.root->Find("a")->value, "1");
}

// Small maps compare a key with the keys before it, large ones keep a
// hash of them: a repeat is found on either side of the change, whatever
// kind of key (null, a list) sits where the hash is made.
BOOST_AUTO_TEST_CASE(DuplicateKeysAreFoundInLargeMapsToo) {
  for (int odd_at : {-1, 0, 14, 15, 16, 17}) {
    for (const char* odd : {"~", "[x, y]", "? {m: 1}"}) {
      std::string text;
      int line = 0;
      for (int k = 0; k < 24; ++k) {
        ++line;
        if (k == odd_at) {
          text += std::string(odd) + ": 0\n";
          continue;
        }
        text += "k" + std::to_string(k) + ": " + std::to_string(k) + "\n";
      }
      // Repeats of an early key, of the key just before the change, and of
      // a late one.
      text += "k1: x\nk15: x\nk20: x\n";
      YamlDocument doc = ReadYaml(text, "f.yaml");
      std::string what = "odd key " + std::string(odd) + " at " + std::to_string(odd_at);
      std::vector<std::string> dups;
      for (const Issue& i : doc.issues) {
        if (i.code == "yaml.duplicate_key") dups.push_back(i.message.substr(0, i.message.find(" (")));
      }
      std::vector<std::string> expected;
      for (int k : {1, 15, 20}) {
        if (k != odd_at) expected.push_back("duplicate key 'k" + std::to_string(k) + "'");
      }
      BOOST_TEST(dups == expected, what);
      BOOST_REQUIRE(doc.root);
      BOOST_TEST(doc.root->entries.size() == 24u + (odd_at == 1 || odd_at == 15 || odd_at == 20 ? 1u : 0u), what);
      BOOST_TEST(doc.root->Find("k1") != nullptr);
      if (odd_at != 1) BOOST_TEST(doc.root->Find("k1")->value == "1", what);
    }
  }
}

BOOST_AUTO_TEST_CASE(SecondDocumentIsAnError) {
  YamlDocument doc = ReadYaml("a: 1\n---\nb: 2\n", "f.yaml");
  BOOST_CHECK(!doc.root);
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.documents");
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "2:1");
}

BOOST_AUTO_TEST_CASE(AliasesExpand) {
  YamlDocument doc = ReadYaml("a: &x [1, 2]\nb: *x\n", "f.yaml");
  BOOST_REQUIRE(doc.root && doc.issues.empty());
  const YamlNode* b = doc.root->Find("b");
  BOOST_REQUIRE(b && b->IsSequence());
  BOOST_CHECK_EQUAL(b->items.size(), 2u);
  BOOST_CHECK_EQUAL(b->items[1].value, "2");
}

BOOST_AUTO_TEST_CASE(AliasBombStopsAtTheNodeLimit) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  YamlReadOptions options;
  options.max_nodes = 100'000;
  YamlDocument doc = ReadYaml(text, "bomb.yaml", options);
  BOOST_CHECK(!doc.root);
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.limit");
  BOOST_CHECK_EQUAL(doc.issues[0].location.line, 5);  // a4 would be 111,111 nodes
}

BOOST_AUTO_TEST_CASE(DepthLimit) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  YamlReadOptions options;
  options.max_depth = 10;
  YamlDocument doc = ReadYaml(deep, "f.yaml", options);
  BOOST_CHECK(!doc.root);
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.limit");
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "1:11");
  // Very deep input never overflows the stack.
  std::string very_deep(200'000, '[');
  doc = ReadYaml(very_deep, "f.yaml");
  BOOST_CHECK(!doc.root);
  BOOST_CHECK(!doc.issues.empty());
}

BOOST_AUTO_TEST_CASE(InvalidUtf8) {
  YamlDocument doc = ReadYaml("a: 1\nb: x\xff\n", "f.yaml");
  BOOST_CHECK(!doc.root);
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(doc.issues[0].code, "yaml.encoding");
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "2:5");
  doc = ReadYaml(std::string("a: \0", 4), "f.yaml");
  BOOST_REQUIRE_EQUAL(doc.issues.size(), 1u);
  BOOST_CHECK_EQUAL(Where(doc.issues[0].location), "1:4");
}

BOOST_AUTO_TEST_CASE(ByteOrderMarkIsSkipped) {
  YamlDocument doc = ReadYaml("\xEF\xBB\xBF" "a: bc\n", "f.yaml");
  BOOST_REQUIRE(doc.root && doc.issues.empty());
  BOOST_CHECK_EQUAL(Where(doc.root->Find("a")->location), "1:4");
}

BOOST_AUTO_TEST_CASE(LocateInPlainScalar) {
  std::string text = "when: order.delivred_at > 1\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& when = *doc.root->Find("when");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "delivred"), "1:13");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "order"), "1:7");
}

BOOST_AUTO_TEST_CASE(LocateInMultiLinePlainScalar) {
  std::string text = "when: a &&\n  b ||\n    c.x\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& when = *doc.root->Find("when");
  BOOST_CHECK_EQUAL(when.value, "a && b || c.x");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "b"), "2:3");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "c.x"), "3:5");
}

BOOST_AUTO_TEST_CASE(LocateInDoubleQuotedScalar) {
  std::string text = "x: \"a\\t\\u4e2d 'q' \\\"z\\\" tail\"\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& x = *doc.root->Find("x");
  BOOST_CHECK_EQUAL(x.value, "a\t中 'q' \"z\" tail");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "a"), "1:5");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "\t"), "1:6");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "中"), "1:8");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "'q'"), "1:15");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "z"), "1:21");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "tail"), "1:25");
}

BOOST_AUTO_TEST_CASE(LocateInSingleQuotedScalar) {
  std::string text = "x: 'it''s order.id'\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& x = *doc.root->Find("x");
  BOOST_CHECK_EQUAL(x.value, "it's order.id");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "s order"), "1:9");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "order"), "1:11");
}

BOOST_AUTO_TEST_CASE(LocateInLiteralScalar) {
  std::string text = "rule:\n  when: |\n    a > 1 &&\n      order.delivred_at\n  x: 1\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& when = *doc.root->Find("rule")->Find("when");
  BOOST_CHECK(when.style == YamlNode::Style::kLiteral);
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "a >"), "3:5");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "order"), "4:7");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "delivred"), "4:13");
}

BOOST_AUTO_TEST_CASE(LocateInFoldedScalar) {
  std::string text = "when: >-\n  a > 1 &&\n  order.delivred_at\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& when = *doc.root->Find("when");
  BOOST_CHECK(when.style == YamlNode::Style::kFolded);
  BOOST_CHECK_EQUAL(when.value, "a > 1 && order.delivred_at");
  BOOST_CHECK_EQUAL(LocateNeedle(when, text, "delivred"), "3:9");
  // The end of the value points just past its last character.
  BOOST_CHECK_EQUAL(Where(LocateInScalar(when, when.value.size(), text)), "3:20");
}

BOOST_AUTO_TEST_CASE(LocateAfterAnchor) {
  std::string text = "x: &a 'bc'\n";
  YamlDocument doc = ReadYaml(text, "f.yaml");
  const YamlNode& x = *doc.root->Find("x");
  BOOST_CHECK(x.style == YamlNode::Style::kSingleQuoted);
  BOOST_CHECK_EQUAL(Where(x.location), "1:7");
  BOOST_CHECK_EQUAL(LocateNeedle(x, text, "c"), "1:9");
}

BOOST_AUTO_TEST_CASE(LocateOffsetCountsCodePoints) {
  std::string text = "ab\n中文x\n";
  BOOST_CHECK_EQUAL(Where(LocateOffset(text, 9, "f")), "2:3");
  BOOST_CHECK_EQUAL(Where(LocateOffset(text, 0, "f")), "1:1");
  BOOST_CHECK_EQUAL(Where(LocateOffset(text, 1000, "f")), "3:1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales::internal
