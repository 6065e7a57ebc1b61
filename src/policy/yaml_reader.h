// YamlReader: YAML text -> a tree of YamlNodes that remember where they came
// from. The only file that includes yaml-cpp: everything else (the policy
// builder, the case reader) walks YamlNodes. Parsing never throws; syntax
// errors, too-deep nesting, too many nodes (alias bombs) and duplicate map
// keys come back as Issues with file:line:column.
#ifndef AFTERSALES_POLICY_YAML_READER_H_
#define AFTERSALES_POLICY_YAML_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "common/shared_location.h"

namespace aftersales::internal {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  // How a scalar was written; expressions inside scalars use it to map a
  // byte offset in the value back to a line and column in the file.
  enum class Style { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

  Kind kind = Kind::kNull;
  Style style = Style::kPlain;
  // Byte offset of the node's first character in the file text given to
  // ReadYaml (for a scalar: its opening quote or block indicator, or its
  // first character). Texts are far below 4 GB (Limits::max_policy_bytes).
  std::uint32_t offset = 0;
  std::string value;                 // scalar text (after YAML unescaping)
  // Explicit core tag such as "!!str" (a static string), empty if none. Any
  // other tag is an error of the reading (yaml.tag), and "!" here.
  std::string_view tag;
  std::vector<YamlNode> items;       // sequence items
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // map (key, value) in file order
  SharedLocation location;           // of the node's first character

  // Declared here and defaulted in yaml_reader.cc: a node holds pairs of
  // nodes, and implicit members would need std::pair<YamlNode, YamlNode>
  // complete inside YamlNode itself (clang's libstdc++ checks refuse that).
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  // The value of a map entry whose key is the scalar `key`, or nullptr.
  const YamlNode* Find(std::string_view key) const;
};

// Defaults: the policy limits (Limits::max_yaml_depth, max_yaml_nodes).
struct YamlReadOptions {
  int max_depth = Limits{}.max_yaml_depth;
  std::size_t max_nodes = Limits{}.max_yaml_nodes;
};

struct YamlDocument {
  std::optional<YamlNode> root;  // nullopt when the text could not be read
  std::vector<Issue> issues;
};

// Reads one YAML document. `file_name` goes into every location.
YamlDocument ReadYaml(std::string_view text, std::string_view file_name,
                      const YamlReadOptions& options = {});

#ifdef AFTERSALES_TEST_HOOKS
// Test builds only (AFTERSALES_BUILD_TESTS; nothing of it in a build
// without tests): while set, ReadYaml appends the `file_name` of every text
// it reads on this thread, so a test can tell how often each policy file
// was parsed.
extern thread_local std::vector<std::string>* g_read_yaml_log;
#endif

// The file location of byte `offset` of a scalar's value, following the
// scalar's style (quotes, escapes, block indentation) as far as it can be
// recovered; falls back to the scalar's own location.
SourceLocation LocateInScalar(const YamlNode& scalar, std::size_t offset,
                              std::string_view file_text);

// The location of byte `offset` of `file_text`: 1-based line, 1-based column
// counted in code points (a UTF-8 byte order mark is not counted). Offsets
// past the end give the end of the text.
SourceLocation LocateOffset(std::string_view file_text, std::size_t offset,
                            std::string_view file_name);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_YAML_READER_H_
