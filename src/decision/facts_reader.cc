#include "decision/facts_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <simdjson.h>

#include "policy/yaml_reader.h"

namespace aftersales::internal {
namespace {

using VK = CaseValue::Kind;
constexpr const char* kGivenTwice = "given twice in the case";

// Nesting depth of a JSON text, counted before parsing so that no parser
// recursion or allocation is spent on a hostile document.
int JsonDepth(std::string_view s) {
  // Bytes that matter, by class: 1 quote, 2 backslash, 3 open, 4 close.
  static constexpr auto kClass = [] {
    std::array<unsigned char, 256> t{};
    t['"'] = 1;
    t['\\'] = 2;
    t['{'] = t['['] = 3;
    t['}'] = t[']'] = 4;
    return t;
  }();
  int depth = 0, max_depth = 0;
  bool in_string = false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  for (; p < end; ++p) {
    unsigned char k = kClass[*p];
    if (k == 0) continue;
    if (in_string) {
      if (k == 2) ++p;
      else if (k == 1) in_string = false;
    } else if (k == 1) {
      in_string = true;
    } else if (k == 3) {
      max_depth = std::max(max_depth, ++depth);
    } else if (k == 4) {
      --depth;
    }
  }
  return max_depth;
}

// The case without a byte-order mark, as editors on Windows write before
// UTF-8 (YAML allows one too): not part of the case.
std::string_view WithoutBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// The case copied into a padded buffer kept per thread: no allocation per
// case once the buffer is as large as the largest case so far.
simdjson::padded_string_view Padded(std::string_view text) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local std::size_t buffer_size = 0;
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_size < needed) {
    buffer_size = std::max(needed, std::size_t{4096});
    buffer = std::make_unique<char[]>(buffer_size);
  }
  std::memcpy(buffer.get(), text.data(), text.size());
  std::memset(buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(buffer.get(), text.size(), buffer_size);
}

// ---- JSON, the exact path: simdjson's on-demand parser ---------------------

namespace sj = simdjson::ondemand;

// RFC 8259's number grammar. simdjson only checks a number when it is
// converted, and then only as far as the conversion needs: every number the
// reader meets is checked here first, so that a case whose numbers are
// broken is rejected like any other bad JSON, and a big integer a backend
// sends in a field of its own is accepted.
bool IsJsonNumber(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// A scalar (or the shape of a map) as the exact reader sees it, checked to
// be JSON. Each value is read once: the on-demand parser moves past a value
// it converted.
simdjson::error_code JsonValue(sj::value& v, sj::json_type jt, CaseValue* out) {
  out->source = FactSource::kJson;
  out->raw = v.raw_json_token();
  switch (jt) {
    case sj::json_type::object:
      out->kind = VK::kMap;
      return simdjson::SUCCESS;
    case sj::json_type::array:
      out->kind = VK::kList;
      return simdjson::SUCCESS;
    case sj::json_type::string:
      out->kind = VK::kText;
      return v.get_string().get(out->text);
    case sj::json_type::boolean:
      out->kind = VK::kBool;
      return v.get_bool().get(out->bool_value);
    case sj::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      out->kind = VK::kNull;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    case sj::json_type::number: {
      if (!IsJsonNumber(out->raw)) return simdjson::NUMBER_ERROR;
      if (out->raw.find_first_of(".eE") != std::string_view::npos) {
        out->kind = VK::kFloat;
        out->has_double = v.get_double().get(out->double_value) == simdjson::SUCCESS;
      } else if (v.get_int64().get(out->int_value) == simdjson::SUCCESS) {
        out->kind = VK::kInt;
      } else if (v.get_uint64().get(out->uint_value) == simdjson::SUCCESS) {
        out->kind = VK::kUint;
      } else {
        out->kind = VK::kBigInt;
        out->has_double = v.get_double().get(out->double_value) == simdjson::SUCCESS;
      }
      return simdjson::SUCCESS;
    }
  }
  return simdjson::SUCCESS;
}

// Reads a value the case does not need, only to check that it is JSON: the
// on-demand parser validates what it is asked for, and a case whose
// undeclared parts are broken must be rejected like any other bad JSON.
// Depth is bounded by the pre-scan (Limits::max_case_depth).
simdjson::error_code Validate(sj::value v) {
  sj::json_type t;
  if (auto e = v.type().get(t)) return e;
  switch (t) {
    case sj::json_type::object: {
      sj::object obj;
      if (auto e = v.get_object().get(obj)) return e;
      for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        sj::value inner;
        if (auto e = field.value().get(inner)) return e;
        if (auto e = Validate(inner)) return e;
      }
      return simdjson::SUCCESS;
    }
    case sj::json_type::array: {
      sj::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      for (auto item : arr) {
        sj::value inner;
        if (auto e = item.get(inner)) return e;
        if (auto e = Validate(inner)) return e;
      }
      return simdjson::SUCCESS;
    }
    default: {
      CaseValue scalar;
      return JsonValue(v, t, &scalar);
    }
  }
}

class JsonFactReader {
 public:
  JsonFactReader(const FactsTarget& target, FactsData* out, std::vector<FactError>* errors)
      : target_(target), converter_(target.limits, target.locale), out_(out), errors_(errors),
        seen_(target.schema.facts.size(), false) {}

  // Walks an object whose keys continue the path at `node`.
  simdjson::error_code Walk(sj::object obj, int node) {
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      sj::value v;
      if (auto e = field.value().get(v)) return e;
      int child = target_.keys.Child(node, key);
      if (child < 0) {  // undeclared: ignored, but it must still be JSON
        if (auto e = Validate(v)) return e;
        continue;
      }
      const FactKeyTree::Node& n = target_.keys.nodes[static_cast<std::size_t>(child)];
      if (n.slot >= 0) {
        if (auto e = ReadFact(target_.schema.facts[static_cast<std::size_t>(n.slot)], v)) return e;
      } else {
        sj::json_type t;
        if (auto e = v.type().get(t)) return e;
        if (t != sj::json_type::object) {  // a group given as a value: not ours
          if (auto e = Validate(v)) return e;
          continue;
        }
        sj::object inner;
        if (auto e = v.get_object().get(inner)) return e;
        if (auto e = Walk(inner, child)) return e;
      }
    }
    return simdjson::SUCCESS;
  }

 private:
  simdjson::error_code ReadFact(const FieldDecl& decl, sj::value& v) {
    bool is_null = false;
    if (auto e = v.is_null().get(is_null)) return e;
    if (is_null) return simdjson::SUCCESS;  // null is absent
    Value out;
    std::string why;
    if (auto e = Read(decl, *decl.type, v, 0, &out, &why)) return e;
    if (why.empty()) converter_.Declared(decl, out, &why);
    if (why.empty() && seen_[decl.slot]) {
      // Two values for one fact: which one a system downstream would read
      // is anyone's guess, so neither is taken.
      errors_->push_back({decl.name, kGivenTwice, {}});
    } else if (why.empty()) {
      out_->slots[decl.slot] = std::move(out);
      seen_[decl.slot] = true;
    } else {
      errors_->push_back({decl.name, std::move(why), {}});
    }
    return simdjson::SUCCESS;
  }

  // Sets `why` (and returns SUCCESS) when the value does not fit; returns an
  // error code only when the JSON itself is broken.
  simdjson::error_code Read(const FieldDecl& decl, const Type& t, sj::value& v, int depth, Value* out,
                            std::string* why) {
    sj::json_type jt;
    if (auto e = v.type().get(jt)) return e;
    CaseValue value;
    if (jt == sj::json_type::array) {
      value.kind = VK::kList;
      if (!converter_.BeginList(decl, t, value, 0, depth, why)) return simdjson::SUCCESS;
      sj::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      Value::List items;
      for (auto item : arr) {
        sj::value iv;
        if (auto e = item.get(iv)) return e;
        if (!converter_.MoreItems(items.size(), why)) return simdjson::SUCCESS;
        Value x;
        if (auto e = Read(decl, *t.elem(), iv, depth + 1, &x, why)) return e;
        if (!why->empty()) return simdjson::SUCCESS;
        items.push_back(std::move(x));
      }
      *out = Value::ListOf(std::move(items));
      return simdjson::SUCCESS;
    }
    if (auto e = JsonValue(v, jt, &value)) return e;
    converter_.Scalar(decl, t, value, depth, out, why);
    return simdjson::SUCCESS;
  }

  const FactsTarget& target_;
  const FactConverter converter_;
  FactsData* out_;
  std::vector<FactError>* errors_;
  std::vector<bool> seen_;  // facts given so far, by slot
};

// ---- JSON, the fast path: simdjson's DOM parser ----------------------------

namespace dom = simdjson::dom;

// A scalar (or the shape of a list or map) of a parsed document. The DOM
// keeps no token text, which only messages need.
CaseValue DomValue(dom::element e) {
  CaseValue v;
  switch (e.type()) {
    case dom::element_type::INT64:
      v.kind = VK::kInt;
      v.int_value = e.get_int64().value_unsafe();
      break;
    case dom::element_type::UINT64:
      v.kind = VK::kUint;
      v.uint_value = e.get_uint64().value_unsafe();
      break;
    case dom::element_type::DOUBLE:
      v.kind = VK::kFloat;
      v.double_value = e.get_double().value_unsafe();
      v.has_double = true;
      break;
    case dom::element_type::STRING:
      v.kind = VK::kText;
      v.text = e.get_string().value_unsafe();
      break;
    case dom::element_type::BOOL:
      v.kind = VK::kBool;
      v.bool_value = e.get_bool().value_unsafe();
      break;
    case dom::element_type::NULL_VALUE:
      v.kind = VK::kNull;
      break;
    case dom::element_type::ARRAY:
      v.kind = VK::kList;
      break;
    case dom::element_type::OBJECT:
      v.kind = VK::kMap;
      break;
  }
  return v;
}

// Reads a well-formed case whose facts all fit, with the DOM parser (its
// SIMD kernels are picked at run time) and a walk over the parsed document.
// At the first fact that does not fit it stops, naming it, and the exact
// reader, which says exactly what is wrong and where, reads the case again
// from scratch.
class DomFactReader {
 public:
  DomFactReader(const FactsTarget& target, FactsData* out)
      : target_(target), converter_(target.limits, target.locale), out_(out),
        seen_(Seen(target.schema.facts.size())) {}

  bool Walk(dom::object obj, int node) {
    for (dom::key_value_pair field : obj) {
      int child = target_.keys.Child(node, field.key);
      if (child < 0) continue;  // undeclared (the parser has checked it is JSON)
      const FactKeyTree::Node& n = target_.keys.nodes[static_cast<std::size_t>(child)];
      if (n.slot >= 0) {
        if (field.value.is_null()) continue;  // null is absent
        const auto slot = static_cast<std::size_t>(n.slot);
        const FieldDecl& decl = target_.schema.facts[slot];
        if (seen_[slot]) {
          refused = {decl.name, kGivenTwice, {}};
          return false;
        }
        Value v;
        std::string why;
        if (!Read(decl, *decl.type, field.value, 0, &v, &why) || !converter_.Declared(decl, v, &why)) {
          refused = {decl.name, std::move(why), {}};
          return false;
        }
        out_->slots[slot] = std::move(v);
        seen_[slot] = 1;
      } else {
        dom::object inner;
        if (field.value.get_object().get(inner) != simdjson::SUCCESS) continue;  // a group given as a value
        if (!Walk(inner, child)) return false;
      }
    }
    return true;
  }

  FactError refused;

 private:
  bool Read(const FieldDecl& decl, const Type& t, dom::element e, int depth, Value* out, std::string* why) const {
    CaseValue v = DomValue(e);
    if (v.kind != VK::kList) return converter_.Scalar(decl, t, v, depth, out, why);
    const dom::array arr = e.get_array().value_unsafe();
    if (!converter_.BeginList(decl, t, v, arr.size(), depth, why)) return false;
    Value::List items;
    items.reserve(arr.size());
    for (dom::element item : arr) {
      Value x;
      if (!Read(decl, *t.elem(), item, depth + 1, &x, why)) return false;
      items.push_back(std::move(x));
    }
    *out = Value::ListOf(std::move(items));
    return true;
  }

  // Which facts this case has given so far, by slot; kept per thread.
  static std::vector<unsigned char>& Seen(std::size_t n) {
    thread_local std::vector<unsigned char> seen;
    seen.assign(n, 0);
    return seen;
  }

  const FactsTarget& target_;
  const FactConverter converter_;
  FactsData* out_;
  std::vector<unsigned char>& seen_;
};

FastRead FastJson(simdjson::padded_string_view padded, const FactsTarget& target, FactsData* out,
                  FactError* refused) {
  // The DOM parser refuses nesting of its max_depth or more, but does not
  // count an empty innermost [] or {}: with max_depth at the limit itself,
  // a case at the limit may be left to the exact reader (which counts
  // every bracket), none over it gets through.
  thread_local dom::parser fast;
  const std::size_t max_depth = static_cast<std::size_t>(std::max(target.limits.max_case_depth, 1));
  dom::element doc_root;
  dom::object obj;
  if ((fast.max_depth() != max_depth &&
       fast.allocate(std::max(fast.capacity(), padded.length()), max_depth) != simdjson::SUCCESS) ||
      fast.parse(padded.data(), padded.length(), false).get(doc_root) != simdjson::SUCCESS ||
      doc_root.get_object().get(obj) != simdjson::SUCCESS) {
    return FastRead::kNotParsed;
  }
  DomFactReader reader(target, out);
  if (reader.Walk(obj, 0)) return FastRead::kRead;
  if (refused != nullptr) *refused = std::move(reader.refused);
  return FastRead::kRefused;
}

Status ExactJson(simdjson::padded_string_view padded, const FactsTarget& target, FactsData* out,
                 std::vector<FactError>* errors) {
  const std::string_view text(padded.data(), padded.length());
  if (JsonDepth(text) > target.limits.max_case_depth) {
    return Status::ResourceExhausted("case nested more than " + std::to_string(target.limits.max_case_depth) +
                                     " deep (limit max_case_depth)");
  }
  thread_local sj::parser parser;
  sj::document doc;
  sj::object root;
  // Where the parser stopped, as 1-based line and column (in code points),
  // when it can tell: stage 1 errors (unbalanced brackets, bad UTF-8) have
  // no useful place.
  bool located = false;
  auto bad = [&](simdjson::error_code e) {
    std::string where;
    const char* at = nullptr;
    if (located && doc.current_location().get(at) == simdjson::SUCCESS && at >= padded.data() &&
        at <= padded.data() + text.size()) {
      std::size_t offset = static_cast<std::size_t>(at - padded.data());
      int line = 1, column = 1;
      for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
          ++column;
        }
      }
      where = LineColumn(line, column);
    }
    // The reader checks a value's type before reading it, so a wrong type
    // here is a broken atom such as `tru`.
    std::string what = e == simdjson::INCORRECT_TYPE ? "not a JSON value (expected true, false, null, a number, "
                                                       "a string, a list or an object)"
                                                     : simdjson::error_message(e);
    return Status::InvalidArgument("not valid JSON" + where + ": " + what);
  };
  if (auto e = parser.iterate(padded).get(doc)) return bad(e);
  sj::json_type top;
  if (auto e = doc.type().get(top)) return bad(e);
  if (top != sj::json_type::object) return Status::InvalidArgument("a case must be a JSON object");
  if (auto e = doc.get_object().get(root)) return bad(e);
  JsonFactReader reader(target, out, errors);
  located = true;
  if (auto e = reader.Walk(root, 0)) return bad(e);
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    return Status::InvalidArgument("not valid JSON: content after the case object");
  }
  if (!errors->empty()) return FactErrors(*errors);
  return Status::Ok();
}

// ---- YAML -------------------------------------------------------------------

CaseValue YamlValue(const YamlNode& n) {
  CaseValue v;
  v.source = FactSource::kYaml;
  if (n.IsMap()) {
    v.kind = VK::kMap;
  } else if (n.IsSequence()) {
    v.kind = VK::kList;
  } else if (n.kind == YamlNode::Kind::kNull) {
    v.kind = VK::kNull;
  } else {
    // Quoted, or tagged !!str: text, like "100". Plain: the fact's type decides.
    const bool quoted = n.style == YamlNode::Style::kSingleQuoted || n.style == YamlNode::Style::kDoubleQuoted ||
                        n.tag == "!!str";
    v.kind = quoted ? VK::kText : VK::kPlain;
    v.text = n.value;
    v.tag = n.tag;
  }
  return v;
}

bool ReadYamlValue(const FactConverter& converter, const FieldDecl& decl, const Type& t, const YamlNode& n,
                   int depth, Value* out, std::string* why) {
  const CaseValue v = YamlValue(n);
  if (v.kind != VK::kList) return converter.Scalar(decl, t, v, depth, out, why);
  if (!converter.BeginList(decl, t, v, n.items.size(), depth, why)) return false;
  Value::List items;
  items.reserve(n.items.size());
  for (const YamlNode& item : n.items) {
    Value x;
    if (!ReadYamlValue(converter, decl, *t.elem(), item, depth + 1, &x, why)) return false;
    items.push_back(std::move(x));
  }
  *out = Value::ListOf(std::move(items));
  return true;
}

void WalkYaml(const YamlNode& map, const std::string& prefix, const FactsTarget& target,
              const FactConverter& converter, FactsData* out, std::vector<FactError>* errors,
              std::vector<bool>* seen, int depth) {
  // The document is no deeper than max_case_depth (ReadYaml checks): a backstop.
  if (depth > target.limits.max_case_depth) return;
  for (const auto& [k, v] : map.entries) {
    std::string path = prefix.empty() ? k.value : prefix + "." + k.value;
    auto found = target.schema.fact_index.find(path);
    if (found != target.schema.fact_index.end()) {
      const FieldDecl& decl = target.schema.facts[found->second];
      if (v.kind == YamlNode::Kind::kNull) continue;
      Value val;
      std::string why;
      const bool read = ReadYamlValue(converter, decl, *decl.type, v, 0, &val, &why) &&
                        converter.Declared(decl, val, &why);
      if (read && (*seen)[decl.slot]) {
        // `order: {id: ..}` and `order.id: ..` in one case: neither is taken.
        errors->push_back({path, kGivenTwice, v.location});
      } else if (read) {
        out->slots[decl.slot] = std::move(val);
        (*seen)[decl.slot] = true;
      } else {
        errors->push_back({path, std::move(why), v.location});
      }
    } else if (v.IsMap()) {
      WalkYaml(v, path, target, converter, out, errors, seen, depth + 1);
    }
  }
}

}  // namespace

int FactKeyTree::Child(int node, std::string_view key) const {
  // Dotted keys ("order.id") walk several levels at once.
  int cur = node;
  std::size_t start = 0;
  while (cur >= 0) {
    std::size_t dot = key.find('.', start);
    std::string_view part = key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    const Node& n = nodes[static_cast<std::size_t>(cur)];
    int i = n.index.Find(part);
    cur = i < 0 ? -1 : n.children[static_cast<std::size_t>(i)].second;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return cur;
}

FactKeyTree BuildFactKeyTree(const Schema& schema) {
  FactKeyTree tree;
  tree.nodes.emplace_back();
  for (const FieldDecl& f : schema.facts) {
    int cur = 0;
    std::size_t start = 0;
    while (true) {
      std::size_t dot = f.name.find('.', start);
      std::string part = f.name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      int next = -1;
      for (const auto& [k, idx] : tree.nodes[static_cast<std::size_t>(cur)].children) {
        if (k == part) next = idx;
      }
      if (next < 0) {
        next = static_cast<int>(tree.nodes.size());
        tree.nodes[static_cast<std::size_t>(cur)].children.emplace_back(part, next);
        tree.nodes[static_cast<std::size_t>(cur)].index.Add(part);
        tree.nodes.emplace_back();
      }
      cur = next;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    tree.nodes[static_cast<std::size_t>(cur)].slot = static_cast<int>(f.slot);
  }
  return tree;
}

Status ReadJsonFacts(std::string_view text, const FactsTarget& target, FactsData* out) {
  text = WithoutBom(text);
  if (text.size() > target.limits.max_case_bytes) return CaseTooLarge(text.size(), target.limits);
  const simdjson::padded_string_view padded = Padded(text);
  if (FastJson(padded, target, out, nullptr) == FastRead::kRead) return Status::Ok();
  // Start again from the defaults; the exact reader says what is wrong.
  for (const FieldDecl& f : target.schema.facts) out->slots[f.slot] = f.default_value;
  std::vector<FactError> errors;
  return ExactJson(padded, target, out, &errors);
}

FastRead ReadJsonFactsFast(std::string_view text, const FactsTarget& target, FactsData* out, FactError* refused) {
  text = WithoutBom(text);
  if (text.size() > target.limits.max_case_bytes) return FastRead::kNotParsed;
  return FastJson(Padded(text), target, out, refused);
}

Status ReadJsonFactsExact(std::string_view text, const FactsTarget& target, FactsData* out,
                          std::vector<FactError>* errors) {
  text = WithoutBom(text);
  if (text.size() > target.limits.max_case_bytes) return CaseTooLarge(text.size(), target.limits);
  return ExactJson(Padded(text), target, out, errors);
}

namespace {
// Depth is bounded by the DOM parser's max_depth.
std::string FindCaseId(simdjson::dom::object obj, int node, const FactKeyTree& keys, std::uint32_t slot) {
  for (simdjson::dom::key_value_pair field : obj) {
    int child = keys.Child(node, field.key);
    if (child < 0) continue;
    const FactKeyTree::Node& n = keys.nodes[static_cast<std::size_t>(child)];
    if (n.slot >= 0) {
      std::string_view id;
      if (static_cast<std::uint32_t>(n.slot) == slot && field.value.get_string().get(id) == simdjson::SUCCESS &&
          id.find('\0') == std::string_view::npos) {
        return std::string(id.substr(0, 256));
      }
      continue;
    }
    simdjson::dom::object inner;
    if (field.value.get_object().get(inner) != simdjson::SUCCESS) continue;
    std::string id = FindCaseId(inner, child, keys, slot);
    if (!id.empty()) return id;
  }
  return "";
}
}  // namespace

std::string CaseIdOfJson(std::string_view text, const FactKeyTree& keys, std::uint32_t slot, const Limits& limits) {
  text = WithoutBom(text);
  if (text.size() > limits.max_case_bytes) return "";
  thread_local dom::parser parser;
  const std::size_t max_depth = static_cast<std::size_t>(std::max(limits.max_case_depth, 1));
  if (parser.max_depth() != max_depth &&
      parser.allocate(std::max(parser.capacity(), text.size()), max_depth) != simdjson::SUCCESS) {
    return "";
  }
  simdjson::padded_string padded(text);
  dom::element root;
  dom::object obj;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || root.get_object().get(obj) != simdjson::SUCCESS) {
    return "";
  }
  return FindCaseId(obj, 0, keys, slot);
}

Status ReadYamlFacts(std::string_view text, const FactsTarget& target, FactsData* out) {
  if (text.size() > target.limits.max_case_bytes) return CaseTooLarge(text.size(), target.limits);
  YamlReadOptions options;
  options.max_depth = target.limits.max_case_depth;
  options.max_nodes = target.limits.max_case_nodes;
  YamlDocument doc = ReadYaml(text, "", options);
  if (!doc.root || HasErrors(doc.issues)) {
    std::string msg;
    for (const Issue& i : doc.issues) {
      msg += (msg.empty() ? "" : "; ") + std::string("line ") + std::to_string(i.location.line) + ":" +
             std::to_string(i.location.column) + ": " + i.message;
    }
    return Status::InvalidArgument("not valid YAML: " + msg);
  }
  return ReadYamlFacts(*doc.root, target, out);
}

Status ReadYamlFacts(const YamlNode& root, const FactsTarget& target, FactsData* out) {
  if (!root.IsMap()) return Status::InvalidArgument("a case must be a YAML map");
  const FactConverter converter(target.limits, target.locale);
  std::vector<FactError> errors;
  std::vector<bool> seen(target.schema.facts.size(), false);
  WalkYaml(root, "", target, converter, out, &errors, &seen, 0);
  if (!errors.empty()) return FactErrors(errors);
  return Status::Ok();
}

}  // namespace aftersales::internal
