#include "expr/codec.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

namespace aftersales::internal {
namespace {

// Nesting bounds for what a snapshot may hold: a policy's constants and
// declared types nest far less (kMaxTypeNesting, max_expression_depth).
constexpr int kMaxValueDepth = 64;
constexpr int kMaxTypeDepth = 16;
constexpr int kMaxLocals = 1024;
constexpr std::size_t kNoEnum = 0;  // enum references are 1-based
// A value or type written before: its number follows.
constexpr std::uint8_t kRepeat = 0x80;

bool ValidTime(std::int64_t seconds, std::int32_t nanos) {
  return seconds >= kMinTimestampSeconds && seconds <= kMaxTimestampSeconds && nanos >= 0 && nanos < 1'000'000'000;
}

bool ValidDuration(std::int64_t seconds, std::int32_t nanos) {
  if (seconds > kMaxDurationSeconds || seconds < -kMaxDurationSeconds) return false;
  if (nanos <= -1'000'000'000 || nanos >= 1'000'000'000) return false;
  return (seconds >= 0 && nanos >= 0) || (seconds <= 0 && nanos <= 0);
}

}  // namespace

// ---- writing ---------------------------------------------------------------

void ExprWriter::WriteOnce(std::string encoded, std::unordered_map<std::string, std::uint32_t>* seen) {
  auto [it, added] = seen->emplace(std::move(encoded), static_cast<std::uint32_t>(seen->size()));
  if (added) {
    out.Raw(it->first);
  } else {
    out.U8(kRepeat);
    out.U64(it->second);
  }
}

void ExprWriter::WriteValue(const Value& v) {
  ByteWriter encoded;
  EncodeValue(v, encoded);
  WriteOnce(std::move(encoded.data()), &values_);
}

void ExprWriter::EncodeValue(const Value& v, ByteWriter& out) {
  using K = Value::Kind;
  out.U8(static_cast<std::uint8_t>(v.kind()));
  switch (v.kind()) {
    case K::kAbsent:
    case K::kNull: return;
    case K::kBool: out.Bool(v.bool_value()); return;
    case K::kInt: out.I64(v.int_value()); return;
    case K::kUint: out.U64(v.uint_value()); return;
    case K::kDouble: out.F64(v.double_value()); return;
    case K::kString: out.Str(v.string_value()); return;
    case K::kList:
      out.U64(v.list_value().size());
      for (const Value& e : v.list_value()) EncodeValue(e, out);
      return;
    case K::kMap:
      out.U64(v.map_value().size());
      for (const auto& [k, e] : v.map_value()) {
        EncodeValue(k, out);
        EncodeValue(e, out);
      }
      return;
    case K::kTimestamp:
      out.I64(v.timestamp_value().seconds);
      out.I64(v.timestamp_value().nanos);
      return;
    case K::kDuration:
      out.I64(v.duration_value().seconds);
      out.I64(v.duration_value().nanos);
      return;
    case K::kError: out.Str(v.error_message()); return;
  }
}

void ExprWriter::WriteType(const TypePtr& t) {
  // An enum's first use writes its words: such a type is not repeated.
  ByteWriter encoded;
  const std::size_t enums_before = enums_.size();
  EncodeType(t, encoded);
  if (enums_.size() != enums_before) {
    out.Raw(encoded.data());
    return;
  }
  WriteOnce(std::move(encoded.data()), &types_);
}

void ExprWriter::EncodeType(const TypePtr& t, ByteWriter& out) {
  if (!t) {
    out.U8(0);
    return;
  }
  out.U8(static_cast<std::uint8_t>(t->kind()) + 1);
  switch (t->kind()) {
    case Type::Kind::kEnum: WriteEnumTo(t->enum_type(), out); return;
    case Type::Kind::kList: EncodeType(t->elem(), out); return;
    case Type::Kind::kMap:
      EncodeType(t->elem(), out);
      EncodeType(t->value(), out);
      return;
    default: return;
  }
}

void ExprWriter::WriteEnum(const std::shared_ptr<const EnumType>& e) { WriteEnumTo(e, out); }

void ExprWriter::WriteEnumTo(const std::shared_ptr<const EnumType>& e, ByteWriter& out) {
  if (!e) {
    out.U64(kNoEnum);
    return;
  }
  auto [it, added] = enums_.emplace(e.get(), static_cast<std::uint32_t>(enums_.size() + 1));
  out.U64(it->second);
  if (!added) return;
  // First time: its words follow the number.
  out.Str(e->name);
  out.U64(e->values.size());
  for (const std::string& w : e->values) out.Str(w);
}

void ExprWriter::WriteRef(VarRef ref) {
  out.U8(ref.space);
  out.U64(ref.slot);
}

void ExprWriter::WriteNode(const Node& n) {
  order_.emplace(&n, static_cast<std::uint32_t>(order_.size()));
  n.Save(*this);
}

void ExprWriter::WriteProgram(const Program* p) {
  out.Bool(p != nullptr);
  if (!p) return;
  order_.clear();
  out.Str(p->source());
  WriteType(p->type());
  out.U64(static_cast<std::uint64_t>(p->num_locals()));
  WriteNode(p->root());
  out.U64(p->conjuncts().size());
  for (std::size_t i = 0; i < p->conjuncts().size(); ++i) {
    out.U64(p->conjuncts()[i].offset);
    out.U64(p->conjuncts()[i].source.size());
    auto it = order_.find(p->conjunct_nodes()[i]);
    out.U64(it == order_.end() ? 0 : it->second);  // always found: the parts are inside the tree
  }
}

// ---- reading ---------------------------------------------------------------

Value ExprReader::ReadValue() {
  if (in.Peek() == kRepeat) {
    in.U8();
    const auto i = in.Below(values_.size(), "a repeated value");
    return in.failed() ? Value() : values_[i];
  }
  Value v = ReadValueAt(0);
  if (!in.failed()) values_.push_back(v);
  return v;
}

Value ExprReader::ReadValueAt(int depth) {
  using K = Value::Kind;
  if (depth > kMaxValueDepth) {
    in.Fail("a constant nested too deeply");
    return Value();
  }
  const auto kind = static_cast<K>(in.Below(static_cast<std::uint64_t>(K::kError) + 1, "a value kind"));
  if (in.failed()) return Value();
  switch (kind) {
    case K::kAbsent: return Value();
    case K::kNull: return Value::Null();
    case K::kBool: return Value::Bool(in.Bool());
    case K::kInt: return Value::Int(in.I64());
    case K::kUint: return Value::Uint(in.U64());
    case K::kDouble: return Value::Double(in.F64());
    case K::kString: return Value::String(in.Str());
    case K::kList: {
      const std::size_t n = in.Count();
      Value::List items;
      items.reserve(n);
      for (std::size_t i = 0; i < n && !in.failed(); ++i) {
        Value e = ReadValueAt(depth + 1);
        if (e.is_absent() || e.is_error()) in.Fail("a list constant holding nothing or an error");
        items.push_back(std::move(e));
      }
      return in.failed() ? Value() : Value::ListOf(std::move(items));
    }
    case K::kMap: {
      const std::size_t n = in.Count(2);
      Value::Map entries;
      entries.reserve(n);
      std::unordered_set<std::string> keys;
      for (std::size_t i = 0; i < n && !in.failed(); ++i) {
        Value k = ReadValueAt(depth + 1);
        Value e = ReadValueAt(depth + 1);
        const K kk = k.kind();
        if (kk != K::kString && kk != K::kInt && kk != K::kUint && kk != K::kBool) in.Fail("a map key of a wrong kind");
        if (e.is_absent() || e.is_error()) in.Fail("a map constant holding nothing or an error");
        // Keys equal as CEL compares them (1 == 1u) have one spelling here:
        // a repeat is found in one look, not by comparing every pair.
        std::string spelled;
        if (kk == K::kString) spelled = "s" + k.string_value();
        else if (kk == K::kBool) spelled = k.bool_value() ? "t" : "f";
        else if (kk == K::kInt) spelled = "n" + std::to_string(k.int_value());
        else if (kk == K::kUint) spelled = "n" + std::to_string(k.uint_value());
        if (!in.failed() && !keys.insert(std::move(spelled)).second) in.Fail("a map constant with a repeated key");
        entries.emplace_back(std::move(k), std::move(e));
      }
      return in.failed() ? Value() : Value::MapOf(std::move(entries));
    }
    case K::kTimestamp: {
      const std::int64_t s = in.I64();
      const std::int64_t n = in.I64();
      if (in.failed()) return Value();
      if (n < INT32_MIN || n > INT32_MAX || !ValidTime(s, static_cast<std::int32_t>(n))) {
        in.Fail("a timestamp out of range");
        return Value();
      }
      return Value::Time(Timestamp{s, static_cast<std::int32_t>(n)});
    }
    case K::kDuration: {
      const std::int64_t s = in.I64();
      const std::int64_t n = in.I64();
      if (in.failed()) return Value();
      if (n < INT32_MIN || n > INT32_MAX || !ValidDuration(s, static_cast<std::int32_t>(n))) {
        in.Fail("a duration out of range");
        return Value();
      }
      return Value::Dur(Duration{s, static_cast<std::int32_t>(n)});
    }
    case K::kError: return Value::Error(in.Str());
  }
  return Value();
}

TypePtr ExprReader::ReadType() {
  if (in.Peek() == kRepeat) {
    in.U8();
    const auto i = in.Below(types_.size(), "a repeated type");
    return in.failed() ? nullptr : types_[i];
  }
  const std::size_t enums_before = enums_.size();
  TypePtr t = ReadTypeAt(0);
  // As the writer numbers them: not a type that gave an enum's words.
  if (!in.failed() && enums_.size() == enums_before) types_.push_back(t);
  return t;
}

TypePtr ExprReader::ReadTypeAt(int depth) {
  using K = Type::Kind;
  if (depth > kMaxTypeDepth) {
    in.Fail("a type nested too deeply");
    return nullptr;
  }
  const auto tag = in.Below(static_cast<std::uint64_t>(K::kError) + 2, "a type");
  if (in.failed() || tag == 0) return nullptr;
  switch (static_cast<K>(tag - 1)) {
    case K::kDyn: return Type::Dyn();
    case K::kNull: return Type::Null();
    case K::kBool: return Type::Bool();
    case K::kInt: return Type::Int();
    case K::kUint: return Type::Uint();
    case K::kDouble: return Type::Double();
    case K::kString: return Type::String();
    case K::kTimestamp: return Type::Timestamp();
    case K::kDuration: return Type::Duration();
    case K::kError: return Type::Error();
    case K::kEnum: {
      std::shared_ptr<const EnumType> e = ReadEnum();
      if (!in.failed() && !e) in.Fail("an enum type without its enum");
      return in.failed() ? nullptr : Type::Enum(std::move(e));
    }
    case K::kList: {
      TypePtr elem = ReadTypeAt(depth + 1);
      return in.failed() ? nullptr : Type::List(std::move(elem));
    }
    case K::kMap: {
      TypePtr key = ReadTypeAt(depth + 1);
      TypePtr value = ReadTypeAt(depth + 1);
      return in.failed() ? nullptr : Type::Map(std::move(key), std::move(value));
    }
  }
  return nullptr;
}

std::shared_ptr<const EnumType> ExprReader::ReadEnum() {
  const std::uint64_t number = in.U64();
  if (in.failed() || number == kNoEnum) return nullptr;
  if (number <= enums_.size()) return enums_[number - 1];
  if (number != enums_.size() + 1) {
    in.Fail("an enum referred to before it is given");
    return nullptr;
  }
  auto e = std::make_shared<EnumType>();
  e->name = in.Str();
  const std::size_t n = in.Count();
  e->values.reserve(n);
  for (std::size_t i = 0; i < n && !in.failed(); ++i) e->values.push_back(in.Str());
  if (in.failed()) return nullptr;
  e->Seal();
  for (std::size_t i = 0; i < e->values.size(); ++i) {
    if (e->IndexOf(e->values[i]) != static_cast<int>(i)) {
      in.Fail("enum '" + e->name + "' has the word '" + e->values[i] + "' twice");
      return nullptr;
    }
  }
  enums_.push_back(e);
  return e;
}

VarRef ExprReader::ReadRef(bool allow_named) {
  VarRef ref;
  ref.space = in.U8();
  const std::uint64_t slot = in.U64();
  if (in.failed()) return {};
  std::uint64_t bound = 0;
  if (ref.space == 0) bound = bounds_.facts;  // a policy's facts (kFactSpace)
  else if (ref.space == 1) bound = bounds_.decisions;  // its decision fields
  else if (ref.space == kNamedValueSpace && allow_named) bound = bounds_.named;
  if (slot >= bound) {
    in.Fail("a reference to slot " + std::to_string(slot) + " of space " + std::to_string(ref.space) +
            ", which the policy has not");
    return {};
  }
  ref.slot = static_cast<std::uint32_t>(slot);
  return ref;
}

const Value* ExprReader::AbsentOf(VarRef ref) const {
  if (ref.space > 1 || ref.slot >= absent_[ref.space].size()) return nullptr;
  const Value& v = absent_[ref.space][ref.slot];
  return v.is_absent() ? nullptr : &v;
}

void ExprReader::SetDeclarations(const Declarations& decls) {
  absent_[0].assign(bounds_.facts, Value());
  absent_[1].assign(bounds_.decisions, Value());
  for (const VarDecl& d : decls.all()) {
    if (d.ref.space <= 1 && d.ref.slot < absent_[d.ref.space].size()) absent_[d.ref.space][d.ref.slot] = d.absent;
  }
}

NodePtr ExprReader::ReadNode() {
  if (in.failed()) return nullptr;
  if (depth_ >= max_depth_) {
    in.Fail("an expression nested too deeply");
    return nullptr;
  }
  const std::size_t index = nodes_.size();
  nodes_.push_back(nullptr);
  ++depth_;
  NodePtr n = DecodeNode(*this);
  --depth_;
  if (!n && !in.failed()) in.Fail("an empty expression node");
  if (in.failed()) return nullptr;
  nodes_[index] = n.get();
  return n;
}

std::unique_ptr<const Program> ExprReader::ReadProgram() {
  named_refs_.clear();
  if (!in.Bool() || in.failed()) return nullptr;
  nodes_.clear();
  depth_ = 0;
  std::string source = in.Str();
  TypePtr type = ReadType();
  num_locals_ = static_cast<int>(in.Below(kMaxLocals + 1, "a count of macro variables"));
  if (in.failed()) return nullptr;
  if (!type) {
    in.Fail("a program without a type");
    return nullptr;
  }
  NodePtr root = ReadNode();
  const std::size_t n = in.Count(3);
  std::vector<Program::Span> parts;
  std::vector<const Node*> conjunct_nodes;
  parts.reserve(n);
  conjunct_nodes.reserve(n);
  for (std::size_t i = 0; i < n && !in.failed(); ++i) {
    const auto offset = in.Below(source.size() + 1, "the place of a part of a condition");
    const auto length = in.Below(source.size() - offset + 1, "the length of a part of a condition");
    const auto node = in.Below(nodes_.size(), "a part of a condition");
    if (in.failed()) break;
    parts.push_back({static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(length)});
    conjunct_nodes.push_back(nodes_[node]);
  }
  if (in.failed()) return nullptr;
  std::sort(named_refs_.begin(), named_refs_.end());
  named_refs_.erase(std::unique(named_refs_.begin(), named_refs_.end()), named_refs_.end());
  return std::make_unique<const Program>(std::move(root), std::move(type), parts,
                                         std::move(conjunct_nodes), std::move(source), num_locals_);
}

}  // namespace aftersales::internal
