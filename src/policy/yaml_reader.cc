#include "policy/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "common/format.h"
#include "common/text.h"

namespace aftersales::internal {

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::Find(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kScalar && k.value == key) return &v;
  }
  return nullptr;
}

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::size_t BomLength(std::string_view text) {
  return text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
}

bool IsContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

// Line starts of a text, for turning byte offsets into line and column
// without rescanning the whole text for every node.
class LineMap {
 public:
  explicit LineMap(std::string_view text) : text_(text) {
    starts_.push_back(BomLength(text));
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  SourceLocation Locate(std::size_t offset, std::string_view file) const {
    offset = std::min(offset, text_.size());
    offset = std::max(offset, starts_.front());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());  // 1-based
    std::size_t begin = starts_[line - 1];
    int column = 1;
    // Nodes arrive in order: go on from the last place asked for when it is
    // on this line, or one long line (a flow list of 200,000 items) costs
    // time quadratic in its length.
    if (memo_line_ == line && memo_offset_ <= offset) {
      begin = memo_offset_;
      column = memo_column_;
    }
    for (std::size_t i = begin; i < offset; ++i) {
      unsigned char c = static_cast<unsigned char>(text_[i]);
      if (!IsContinuationByte(c) && c != '\r') ++column;
    }
    memo_line_ = line;
    memo_offset_ = offset;
    memo_column_ = column;
    return SourceLocation{std::string(file), static_cast<int>(line), column};
  }

  std::size_t LineStart(std::size_t line0) const {
    return line0 < starts_.size() ? starts_[line0] : text_.size();
  }
  std::size_t line_count() const { return starts_.size(); }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  mutable std::size_t memo_line_ = 0;  // 1-based; 0: none yet
  mutable std::size_t memo_offset_ = 0;
  mutable int memo_column_ = 1;
};

// YAML text must be UTF-8 without control characters (tab, line feed and
// carriage return aside). yaml-cpp would silently replace bad bytes, so the
// check runs first and names the place.
bool CheckEncoding(std::string_view text, const LineMap& lines, std::string_view file,
                   std::vector<Issue>* issues) {
  for (std::size_t i = BomLength(text); i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      issues->push_back(Issue{Severity::kError, "yaml.encoding",
                              std::string("invalid UTF-8 (byte ") + hex +
                                  "); policy and case files must be UTF-8",
                              lines.Locate(i, file)});
      return false;
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "U+%04X", c);
      issues->push_back(Issue{Severity::kError, "yaml.encoding",
                              std::string("control character ") + hex + " is not allowed in YAML",
                              lines.Locate(i, file)});
      return false;
    }
    i += n;
  }
  return true;
}

// Plain-language versions of yaml-cpp's messages; the original stays in
// the text so that it can be searched for.
std::string ExplainYamlCppMessage(const std::string& msg) {
  struct Hint {
    std::string_view prefix;
    std::string_view hint;
  };
  static constexpr Hint kHints[] = {
      {"illegal map value", "a 'key: value' is not allowed here (check the indentation, "
                            "and quote text that contains ': ')"},
      {"end of map not found", "the map is not closed (check the indentation)"},
      {"end of sequence not found", "the list is not closed (check the indentation)"},
      {"end of map flow not found", "a '{' is not closed by '}'"},
      {"end of sequence flow not found", "a '[' is not closed by ']'"},
      {"illegal block entry", "a '- ' list item is not allowed here (check the indentation)"},
      {"illegal map key", "a map key is not allowed here"},
      {"unknown token", "unexpected character (quote text that starts with @ or `)"},
      {"illegal flow end", "unexpected closing bracket"},
      {"unknown escape character", "unknown escape sequence in a double-quoted string "
                                   "(use single quotes, or write \\\\ for a backslash)"},
      {"illegal EOF in scalar", "the file ends inside a quoted string"},
      {"illegal document indicator in scalar", "'---' or '...' inside a string"},
      {"the referenced anchor is not defined", "alias '*name' refers to an anchor that is "
                                               "not defined before it"},
  };
  for (const Hint& h : kHints) {
    if (msg.compare(0, h.prefix.size(), h.prefix) == 0) {
      return "YAML syntax error: " + std::string(h.hint) + " [" + msg + "]";
    }
  }
  return "YAML syntax error: " + msg;
}

// Thrown from the event handler to abandon a parse once an issue makes
// going on pointless (a limit, a second document). Never leaves this file.
struct StopParse {};

// Skips node properties (&anchor, !tag) and the space after them, which
// yaml-cpp includes in a node's mark.
std::size_t SkipProperties(std::string_view text, std::size_t p) {
  for (int guard = 0; guard < 4 && p < text.size(); ++guard) {
    if (text[p] != '&' && text[p] != '!') break;
    if (text[p] == '!' && p + 1 < text.size() && text[p + 1] == '<') {
      while (p < text.size() && text[p] != '>') ++p;
      if (p < text.size()) ++p;
    } else {
      while (p < text.size() && text[p] != ' ' && text[p] != '\t' && text[p] != '\n' &&
             text[p] != '\r' && text[p] != ',' && text[p] != ']' && text[p] != '}') {
        ++p;
      }
    }
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' ||
                               text[p] == '\r')) {
      ++p;
    }
  }
  return p;
}

YamlNode::Style StyleAt(std::string_view text, std::size_t p) {
  if (p >= text.size()) return YamlNode::Style::kPlain;
  switch (text[p]) {
    case '\'': return YamlNode::Style::kSingleQuoted;
    case '"': return YamlNode::Style::kDoubleQuoted;
    case '|': return YamlNode::Style::kLiteral;
    case '>': return YamlNode::Style::kFolded;
    default: return YamlNode::Style::kPlain;
  }
}

// True when the quoted scalar opening at text[p] is closed. yaml-cpp
// accepts a quote left open at the end of the file; we do not.
bool QuoteIsClosed(std::string_view text, std::size_t p) {
  char q = text[p];
  for (std::size_t i = p + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
      } else {
        return true;
      }
    }
  }
  return false;
}

// True when the text at `p` is a null written out (`~`, `null`, `Null`,
// `NULL`) rather than the next token after an empty value.
bool WrittenNull(std::string_view text, std::size_t p) {
  std::string_view rest = text.substr(std::min(p, text.size()));
  std::size_t n = 0;
  if (rest.substr(0, 1) == "~") {
    n = 1;
  } else if (rest.substr(0, 4) == "null" || rest.substr(0, 4) == "Null" ||
             rest.substr(0, 4) == "NULL") {
    n = 4;
  } else {
    return false;
  }
  if (n == rest.size()) return true;
  char c = rest[n];
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}' ||
         c == '#';
}

std::string ShortTag(const std::string& tag) {
  if (tag == "?" || tag == "!") return "";
  static constexpr std::string_view kYamlPrefix = "tag:yaml.org,2002:";
  if (tag.compare(0, kYamlPrefix.size(), kYamlPrefix) == 0) {
    return "!!" + tag.substr(kYamlPrefix.size());
  }
  return tag;
}

std::string Abbreviate(std::string_view s) {
  constexpr std::size_t kMax = 40;
  if (s.size() <= kMax) return std::string(s);
  std::size_t cut = kMax;
  while (cut > 0 && IsContinuationByte(static_cast<unsigned char>(s[cut]))) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

// Builds YamlNodes from yaml-cpp's events, enforcing the depth and node
// limits as the events arrive, so a hostile file stops early.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, std::size_t base, const LineMap& lines,
              std::string_view file, const YamlReadOptions& options, std::vector<Issue>* issues)
      : text_(text), base_(base), lines_(lines), file_(file),
        file_name_(std::make_shared<const std::string>(file)), options_(options), issues_(issues) {}

  std::optional<YamlNode> TakeRoot() { return std::move(root_); }
  int documents() const { return documents_; }
  // Byte offset of the innermost flow collection ('[' or '{') still open.
  std::optional<std::size_t> OpenFlowCollection() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->flow) return it->node.offset - base_;
    }
    return std::nullopt;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents_;
    if (documents_ > 1) {
      std::size_t p = Position(mark);
      bool explicit_start = text_.substr(p, 3) == "---";
      AddIssue("yaml.documents",
               explicit_start
                   ? "a file holds one YAML document, but a second one starts here"
                   : "unexpected content after the end of the document (check the indentation)",
               p);
      throw StopParse{};
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node;
    node.kind = YamlNode::Kind::kNull;
    std::size_t p = SkipProperties(text_, Position(mark));
    bool written = WrittenNull(text_, p);
    Frame* top = stack_.empty() ? nullptr : &stack_.back();
    if (!written && top != nullptr && top->node.kind == YamlNode::Kind::kMap && HasKey(*top)) {
      // An empty value (`key:`): yaml-cpp marks the next token, which may
      // be lines away; the key is the better place to point at.
      node.location = children_.back().location;
      node.offset = children_.back().offset;
    } else {
      SetPlace(&node, p);
    }
    Add(std::move(node), anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      AddIssue("yaml.alias", "an alias may not refer to the node that contains it",
               Position(mark));
      throw StopParse{};
    }
    // Aliases expand: count the copy, so that nested aliases cannot blow up.
    CountNodes(it->second.second, Position(mark));
    Add(YamlNode(it->second.first), 0, it->second.second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    CountNodes(1, Position(mark));
    YamlNode node;
    node.kind = YamlNode::Kind::kScalar;
    std::size_t p = SkipProperties(text_, Position(mark));
    SetPlace(&node, p);
    node.style = tag == "?" ? YamlNode::Style::kPlain : StyleAt(text_, p);
    node.tag = CheckTag(ShortTag(tag), Position(mark));
    node.value = value;
    if ((node.style == YamlNode::Style::kSingleQuoted ||
         node.style == YamlNode::Style::kDoubleQuoted) &&
        !QuoteIsClosed(text_, p)) {
      AddIssue("yaml.syntax", "YAML syntax error: this quoted string is never closed", p);
    }
    Add(std::move(node), anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Open(YamlNode::Kind::kSequence, mark, tag, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Open(YamlNode::Kind::kMap, mark, tag, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { Close(); }

 private:
  // A collection being read. Its children wait in children_ (from
  // first_child on; a map's as key, value, key, value...) until it closes,
  // and then move into a vector of exactly their number: no vector of nodes
  // regrows while a file is read.
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = 0;
    bool flow = false;
    std::size_t nodes_at_start = 0;
    std::size_t first_child = 0;
    // A large map's scalar keys and their places, to find duplicates; small
    // maps compare with their keys in children_.
    std::unordered_map<std::string, SourceLocation> keys;
  };
  static constexpr std::size_t kLinearKeys = 16;

  bool HasKey(const Frame& frame) const { return (children_.size() - frame.first_child) % 2 == 1; }

  std::size_t Position(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.pos < 0) return 0;
    return std::min(static_cast<std::size_t>(mark.pos), text_.size());
  }

  void SetPlace(YamlNode* node, std::size_t p) const {
    node->offset = static_cast<std::uint32_t>(base_ + p);
    SourceLocation at = lines_.Locate(base_ + p, {});
    node->location.file_name = file_name_;
    node->location.line = at.line;
    node->location.column = at.column;
  }

  void AddIssue(std::string code, std::string message, std::size_t p) {
    issues_->push_back(
        Issue{Severity::kError, std::move(code), std::move(message), lines_.Locate(base_ + p, file_)});
  }

  // Policies and cases are plain data: only the core schema's own tags
  // (!!str, !!int, ...) may appear. Others (!!binary, !!python/object,
  // !custom) would mean something we do not do, so they are errors rather
  // than silently read as plain strings and maps.
  // The tag a node keeps: a core tag as a static string, "" for none, "!"
  // for any other (said here, where it is written).
  std::string_view CheckTag(const std::string& tag, std::size_t p) {
    static constexpr std::string_view kCore[] = {"!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"};
    if (tag.empty()) return {};
    for (std::string_view ok : kCore) {
      if (tag == ok) return ok;
    }
    AddIssue("yaml.tag",
             "YAML tag '" + tag + "' is not supported: policies and cases are plain YAML (only the core tags "
             "!!str, !!int, !!float, !!bool, !!null, !!map and !!seq may appear)",
             p);
    return "!";
  }

  void CountNodes(std::size_t n, std::size_t p) {
    if (n > options_.max_nodes || nodes_ > options_.max_nodes - n) {
      AddIssue("yaml.limit",
               "more than " + std::to_string(options_.max_nodes) +
                   " YAML nodes (aliases count once per use); the file is too large",
               p);
      throw StopParse{};
    }
    nodes_ += n;
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag,
            YAML::anchor_t anchor, bool flow) {
    CountNodes(1, Position(mark));
    if (static_cast<int>(stack_.size()) >= options_.max_depth) {
      AddIssue("yaml.limit",
               "YAML nesting deeper than " + std::to_string(options_.max_depth) + " levels",
               Position(mark));
      throw StopParse{};
    }
    Frame frame;
    frame.node.kind = kind;
    frame.node.tag = CheckTag(ShortTag(tag), Position(mark));
    SetPlace(&frame.node, SkipProperties(text_, Position(mark)));
    frame.anchor = anchor;
    frame.flow = flow;
    frame.nodes_at_start = nodes_;
    frame.first_child = children_.size();
    stack_.push_back(std::move(frame));
  }

  void Close() {
    if (stack_.empty()) return;
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    auto first = children_.begin() + static_cast<std::ptrdiff_t>(frame.first_child);
    if (frame.node.kind == YamlNode::Kind::kSequence) {
      frame.node.items.reserve(children_.size() - frame.first_child);
      frame.node.items.assign(std::make_move_iterator(first), std::make_move_iterator(children_.end()));
    } else {
      if (HasKey(frame)) {
        // A key without a value (yaml-cpp always sends one; kept for safety).
        YamlNode null_value;
        null_value.location = children_.back().location;
        null_value.offset = children_.back().offset;
        children_.push_back(std::move(null_value));
        first = children_.begin() + static_cast<std::ptrdiff_t>(frame.first_child);
      }
      frame.node.entries.reserve((children_.size() - frame.first_child) / 2);
      for (auto it = first; it != children_.end(); it += 2) {
        frame.node.entries.emplace_back(std::move(*it), std::move(*(it + 1)));
      }
    }
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(frame.first_child), children_.end());
    std::size_t count = nodes_ - frame.nodes_at_start + 1;
    Add(std::move(frame.node), frame.anchor, count);
  }

  // Whether a map's key `key` (the last of its children) repeats an earlier
  // one; says so when it does.
  bool DuplicateKey(Frame& top, const YamlNode& key) {
    std::size_t entries = (children_.size() - 1 - top.first_child) / 2;  // before this key
    if (top.keys.empty() && entries < kLinearKeys) {
      for (std::size_t i = top.first_child; i + 1 < children_.size(); i += 2) {
        const YamlNode& earlier = children_[i];
        if (earlier.kind == YamlNode::Kind::kScalar && earlier.value == key.value) {
          ReportDuplicate(key, earlier.location);
          return true;
        }
      }
      return false;
    }
    if (top.keys.empty()) {
      // From here on, a hash of the map's scalar keys (whatever kind of key
      // came before: the hash is made when a scalar key first needs it).
      for (std::size_t i = top.first_child; i + 1 < children_.size(); i += 2) {
        if (children_[i].kind == YamlNode::Kind::kScalar) {
          top.keys.emplace(children_[i].value, children_[i].location);
        }
      }
    }
    auto [it, inserted] = top.keys.emplace(key.value, key.location);
    if (!inserted) {
      ReportDuplicate(key, it->second);
      return true;
    }
    return false;
  }

  void ReportDuplicate(const YamlNode& key, const SourceLocation& first) {
    issues_->push_back(Issue{Severity::kError, "yaml.duplicate_key",
                             "duplicate key '" + Abbreviate(key.value) + "' (first defined at " +
                                 FormatLocation(first) + ")",
                             key.location});
  }

  void Add(YamlNode node, YAML::anchor_t anchor, std::size_t count) {
    if (anchor != 0) {
      // The anchor keeps a copy for its aliases: that copy is memory too,
      // so it counts (nested anchors once copied a large list 64 times).
      CountNodes(count, node.offset - base_);
      anchors_[anchor] = {node, count};
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::kSequence || !HasKey(top)) {
      children_.push_back(std::move(node));  // an item, or a map's key
      return;
    }
    const YamlNode& key = children_.back();
    if (key.kind == YamlNode::Kind::kScalar && key.style == YamlNode::Style::kPlain && key.value == "<<") {
      // YAML 1.1's merge key. yaml-cpp reads it as a key named "<<", so the
      // keys it was meant to bring in would be dropped without a word.
      issues_->push_back(Issue{Severity::kError, "yaml.merge",
                               "YAML merge keys ('<<') are not supported: write the keys out", key.location});
      children_.pop_back();
      return;
    }
    if (key.kind == YamlNode::Kind::kScalar && DuplicateKey(top, key)) {
      children_.pop_back();  // the first definition stands
      return;
    }
    children_.push_back(std::move(node));
  }

  std::string_view text_;  // without a byte order mark
  std::size_t base_;       // length of that mark
  const LineMap& lines_;
  std::string_view file_;
  std::shared_ptr<const std::string> file_name_;  // shared by the nodes
  YamlReadOptions options_;
  std::vector<Issue>* issues_;
  std::vector<Frame> stack_;
  std::vector<YamlNode> children_;  // of the open collections, innermost last
  std::optional<YamlNode> root_;
  std::unordered_map<YAML::anchor_t, std::pair<YamlNode, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
};

// When yaml-cpp fails near a tab in the indentation, the tab is the cause.
std::optional<std::size_t> FindIndentationTab(std::string_view text, const LineMap& lines,
                                              std::size_t line0) {
  std::size_t first = line0 > 0 ? line0 - 1 : 0;
  for (std::size_t l = first; l <= line0 && l < lines.line_count(); ++l) {
    for (std::size_t i = lines.LineStart(l); i < text.size(); ++i) {
      if (text[i] == '\t') return i;
      if (text[i] != ' ') break;
    }
  }
  return std::nullopt;
}

}  // namespace

#ifdef AFTERSALES_TEST_HOOKS
thread_local std::vector<std::string>* g_read_yaml_log = nullptr;
#endif

YamlDocument ReadYaml(std::string_view text, std::string_view file_name,
                      const YamlReadOptions& options) {
#ifdef AFTERSALES_TEST_HOOKS
  if (g_read_yaml_log != nullptr) g_read_yaml_log->emplace_back(file_name);
#endif
  YamlDocument doc;
  if (text.size() >= UINT32_MAX) {  // nodes keep 32-bit offsets; no policy or case comes near
    doc.issues.push_back(Issue{Severity::kError, "yaml.limit", "the text is too large to read (4 GB or more)",
                               SourceLocation{std::string(file_name), 0, 0}});
    return doc;
  }
  LineMap lines(text);
  if (!CheckEncoding(text, lines, file_name, &doc.issues)) return doc;
  std::size_t base = BomLength(text);
  std::string_view body = text.substr(base);

  TreeBuilder builder(body, base, lines, file_name, options, &doc.issues);
  bool failed = false;
  try {
    std::istringstream in{std::string(body)};
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopParse&) {
    failed = true;
  } catch (const YAML::DeepRecursion& e) {
    doc.issues.push_back(Issue{Severity::kError, "yaml.limit",
                               "YAML nesting deeper than " + std::to_string(options.max_depth) +
                                   " levels",
                               lines.Locate(base + std::max(e.mark.pos, 0), file_name)});
    failed = true;
  } catch (const YAML::Exception& e) {
    std::size_t pos = e.mark.is_null() ? 0 : static_cast<std::size_t>(std::max(e.mark.pos, 0));
    std::optional<std::size_t> tab;
    if (!e.mark.is_null() && e.mark.line >= 0) {
      tab = FindIndentationTab(text, lines, static_cast<std::size_t>(e.mark.line));
    }
    std::optional<std::size_t> open_flow = builder.OpenFlowCollection();
    bool unclosed_flow = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW ||
                         e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW;
    if (unclosed_flow && open_flow) {
      // yaml-cpp points where it gave up, often lines later; the opening
      // bracket is what needs fixing.
      bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
      doc.issues.push_back(Issue{Severity::kError, "yaml.syntax",
                                 std::string("YAML syntax error: this '") + (seq ? "[" : "{") +
                                     "' is not closed by '" + (seq ? "]" : "}") + "'",
                                 lines.Locate(base + *open_flow, file_name)});
    } else if (tab) {
      doc.issues.push_back(Issue{Severity::kError, "yaml.tab",
                                 "YAML syntax error: a tab in the indentation (YAML indents "
                                 "with spaces only)",
                                 lines.Locate(*tab, file_name)});
    } else {
      SourceLocation loc = lines.Locate(base + pos, file_name);
      if (e.mark.is_null()) loc.line = loc.column = 0;
      doc.issues.push_back(
          Issue{Severity::kError, "yaml.syntax", ExplainYamlCppMessage(e.msg), loc});
    }
    failed = true;
  } catch (const std::bad_alloc&) {
    doc.issues.push_back(Issue{Severity::kError, "yaml.limit",
                               "out of memory while reading the YAML", SourceLocation{
                                   std::string(file_name), 0, 0}});
    failed = true;
  } catch (const std::exception& e) {
    doc.issues.push_back(Issue{Severity::kError, "yaml.syntax",
                               std::string("YAML could not be read: ") + e.what(),
                               SourceLocation{std::string(file_name), 0, 0}});
    failed = true;
  }
  if (failed) return doc;
  doc.root = builder.TakeRoot();
  if (!doc.root) {
    // Empty, or only comments: an empty document.
    YamlNode empty;
    empty.location = lines.Locate(base, file_name);
    empty.offset = base;
    doc.root = std::move(empty);
  }
  return doc;
}

SourceLocation LocateOffset(std::string_view file_text, std::size_t offset,
                            std::string_view file_name) {
  return LineMap(file_text).Locate(offset, file_name);
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::size_t Utf8Length(std::uint32_t cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

// A double-quoted escape at src[i] ('\\'): how many source bytes it spans
// and how many value bytes it produces. nullopt when malformed.
struct Escape {
  std::size_t source_length;
  std::size_t value_length;
};
std::optional<Escape> ReadEscape(std::string_view src, std::size_t i) {
  if (i + 1 >= src.size()) return std::nullopt;
  char c = src[i + 1];
  int hex_digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (hex_digits > 0) {
    std::uint32_t cp = 0;
    for (int k = 0; k < hex_digits; ++k) {
      std::size_t at = i + 2 + static_cast<std::size_t>(k);
      int d = at < src.size() ? HexDigit(src[at]) : -1;
      if (d < 0) return std::nullopt;
      cp = cp * 16 + static_cast<std::uint32_t>(d);
    }
    return Escape{2 + static_cast<std::size_t>(hex_digits), Utf8Length(cp)};
  }
  switch (c) {
    case 'N': return Escape{2, 2};  // U+0085
    case '_': return Escape{2, 2};  // U+00A0
    case 'L': case 'P': return Escape{2, 3};  // U+2028, U+2029
    case '\r': case '\n': {
      // Line continuation: the break and the next line's indentation vanish.
      std::size_t j = i + 1;
      if (src[j] == '\r') ++j;
      if (j < src.size() && src[j] == '\n') ++j;
      while (j < src.size() && (src[j] == ' ' || src[j] == '\t')) ++j;
      return Escape{j - i, 0};
    }
    default: return Escape{2, 1};
  }
}

}  // namespace

SourceLocation LocateInScalar(const YamlNode& scalar, std::size_t offset,
                              std::string_view file_text) {
  const SourceLocation& fallback = scalar.location;
  if (scalar.kind != YamlNode::Kind::kScalar || scalar.offset >= file_text.size()) {
    return fallback;
  }
  std::string_view value = scalar.value;
  offset = std::min(offset, value.size());
  std::string_view src = file_text;
  std::size_t i = scalar.offset;
  using Style = YamlNode::Style;
  const Style style = scalar.style;
  const bool quoted = style == Style::kSingleQuoted || style == Style::kDoubleQuoted;
  if (quoted) {
    ++i;
  } else if (style == Style::kLiteral || style == Style::kFolded) {
    while (i < src.size() && src[i] != '\n') ++i;  // the header line
    if (i < src.size()) ++i;
  }

  // Walk the value and the source side by side: equal bytes pair up,
  // quoting and escapes are decoded, and a run of white space in the value
  // (folded line breaks, block indentation) pairs with the source's run.
  std::size_t j = 0;
  while (j < offset) {
    if (i >= src.size()) return fallback;
    char s = src[i];
    if (style == Style::kDoubleQuoted && s == '\\') {
      std::optional<Escape> esc = ReadEscape(src, i);
      if (!esc) return fallback;
      if (j + esc->value_length > offset) break;  // inside this escape
      i += esc->source_length;
      j += esc->value_length;
      continue;
    }
    if (style == Style::kSingleQuoted && s == '\'' && i + 1 < src.size() && src[i + 1] == '\'') {
      if (value[j] != '\'') return fallback;
      i += 2;
      ++j;
      continue;
    }
    if (quoted && s == src[scalar.offset]) return fallback;  // past the closing quote
    if (s == value[j]) {
      ++i;
      ++j;
      continue;
    }
    if (IsSpace(s)) {
      bool value_space = value[j] == ' ' || value[j] == '\n' || value[j] == '\t';
      while (i < src.size() && IsSpace(src[i])) ++i;
      if (value_space) {
        while (j < offset && (value[j] == ' ' || value[j] == '\n' || value[j] == '\t')) ++j;
      }
      continue;
    }
    return fallback;
  }
  // Land on the next source byte that holds content (not the indentation
  // of a following line).
  if (j == offset && offset < value.size() && !IsSpace(value[j])) {
    while (i < src.size() && IsSpace(src[i])) ++i;
  }
  SourceLocation loc = LocateOffset(file_text, i, fallback.file);
  return loc;
}

}  // namespace aftersales::internal
