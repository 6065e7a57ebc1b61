#include "expr/node.h"

#include <limits>
#include <string_view>
#include <utility>

#include "expr/builtins.h"
#include "expr/codec.h"
#include "expr/regex_pool.h"

namespace aftersales::internal {

Value BudgetError() { return Value::Error("evaluation step budget exhausted"); }

namespace {

// Node tags in a snapshot (codec.h). Append only: a snapshot's format
// version (snapshot.cc) changes with any change here.
enum : std::uint8_t {
  kTagConst = 1, kTagVar, kTagNamed, kTagPresence, kTagLocal, kTagSelect, kTagAnd, kTagOr, kTagNot,
  kTagConditional, kTagCall, kTagList, kTagMap, kTagEqConst, kTagInConstList, kTagComprehension,
};

// The JSON size of a list being built, item by item, against
// max_value_bytes (max_decision_bytes): `x.items.map(i, x.text)` shares one
// text in memory but would print it once per item. Measuring an item walks
// it, and that walk is charged like looking through a list.
class BytesMeter {
 public:
  explicit BytesMeter(Frame& f) : f_(f), limit_(f.ctx->max_value_bytes), bytes_(2) {}
  // False when `item` takes the list over the limit.
  bool Add(const Value& item) {
    if (item.kind() == Value::Kind::kString) {
      bytes_ += item.string_value().size() + 3;
    } else {
      std::uint64_t visited = 0;
      bytes_ += JsonBytes(item, limit_ >= bytes_ ? limit_ - bytes_ : 0, &visited) + 1;
      f_.ctx->steps_left -= static_cast<std::int64_t>(visited / kItemsPerStep);
    }
    return bytes_ <= limit_;
  }
  Value Error() const {
    return Value::Error("value too large: more than " + std::to_string(limit_) +
                        " bytes as JSON (limit max_decision_bytes)");
  }

 private:
  Frame& f_;
  std::uint64_t limit_;
  std::uint64_t bytes_;
};

#define AFTERSALES_STEP(f) \
  if (!Step(f)) return BudgetError()

class ConstNode final : public Node {
 public:
  // Evaluating hands out borrowed copies of the constant, which the node
  // keeps: threads sharing the policy never contend on its reference count.
  explicit ConstNode(Value v) : own_(std::move(v)), v_(own_.Borrow()) {}
  const Value* AsConst() const override { return &own_; }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagConst);
    w.WriteValue(own_);
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    return v_;
  }
  const Value* Peek(Frame& f) const override {
    --f.ctx->steps_left;
    return &v_;
  }

 private:
  Value own_;
  Value v_;
};

class VarNode final : public Node {
 public:
  VarNode(VarRef ref, Value absent) : ref_(ref), absent_own_(std::move(absent)) {
    absent_ = absent_own_.Borrow();  // handed out often: no shared counter
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    if (ref_.space >= f.ctx->num_spaces || f.ctx->spaces[ref_.space] == nullptr) return absent_;
    const Value& v = f.ctx->spaces[ref_.space][ref_.slot];
    if (v.is_absent()) return absent_;
    return v;
  }
  const Value* Peek(Frame& f) const override {
    --f.ctx->steps_left;
    if (ref_.space >= f.ctx->num_spaces || f.ctx->spaces[ref_.space] == nullptr) return &absent_;
    const Value& v = f.ctx->spaces[ref_.space][ref_.slot];
    return v.is_absent() ? &absent_ : &v;
  }
  const VarRef* AsVar() const override { return &ref_; }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagVar);  // its absent value is its declaration's (ExprReader::AbsentOf)
    w.WriteRef(ref_);
  }

 private:
  VarRef ref_;
  Value absent_own_;
  Value absent_;
};

// A named value's first read runs its program on the same context (so its
// steps count against the same budget, and an error it meets is the value
// every read gets, as the inlined expression would have given); later reads
// return the kept value.
class NamedNode final : public Node {
 public:
  NamedNode(std::uint32_t index, std::string name) : index_(index), name_(name) {
    unavailable_own_ = Value::Error("named value '" + name + "' is not available here");
    unavailable_ = unavailable_own_.Borrow();
    cycle_own_ = Value::Error("named value '" + name + "' depends on itself");
    cycle_ = cycle_own_.Borrow();
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    return *Resolve(f);
  }
  const Value* Peek(Frame& f) const override {
    --f.ctx->steps_left;
    return Resolve(f);
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagNamed);
    w.out.U64(index_);
    w.out.Str(name_);
  }

 private:
  const Value* Resolve(Frame& f) const {
    if (const Value* v = ReadNamedValue(*f.ctx, index_)) return v;
    const EvalContext& ctx = *f.ctx;
    bool computing = ctx.named != nullptr && index_ < ctx.num_named &&
                     ctx.named[index_].state == NamedValueSlot::State::kComputing;
    return computing ? &cycle_ : &unavailable_;
  }

  std::uint32_t index_;
  std::string name_;
  Value unavailable_own_, unavailable_;
  Value cycle_own_, cycle_;
};

class PresenceNode final : public Node {
 public:
  explicit PresenceNode(VarRef ref) : ref_(ref) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    if (ref_.space >= f.ctx->num_spaces || f.ctx->spaces[ref_.space] == nullptr) return Value::Bool(false);
    const Value& v = f.ctx->spaces[ref_.space][ref_.slot];
    return Value::Bool(!v.is_absent() && v.kind() != Value::Kind::kNull);
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagPresence);
    w.WriteRef(ref_);
  }

 private:
  VarRef ref_;
};

class LocalNode final : public Node {
 public:
  explicit LocalNode(int index) : index_(index) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    return f.locals[index_];
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagLocal);
    w.out.U64(static_cast<std::uint64_t>(index_));
  }

 private:
  int index_;
};

class SelectNode final : public Node {
 public:
  SelectNode(NodePtr operand, std::string field, bool test_only)
      : operand_(std::move(operand)), field_(std::move(field)), test_only_(test_only) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value v = operand_->Eval(f);
    if (v.is_error()) return v;
    if (v.kind() != Value::Kind::kMap) {
      return Value::Error("cannot select field '" + field_ + "' from a " +
                          std::string(Value::KindName(v.kind())));
    }
    for (const auto& [k, e] : v.map_value()) {
      if (k.kind() == Value::Kind::kString && k.string_value() == field_) {
        return test_only_ ? Value::Bool(true) : e;
      }
    }
    if (test_only_) return Value::Bool(false);
    return Value::Error("no such key: '" + field_ + "'");
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagSelect);
    w.out.Str(field_);
    w.out.Bool(test_only_);
    w.WriteNode(*operand_);
  }

 private:
  NodePtr operand_;
  std::string field_;
  bool test_only_;
};

// && and || are commutative over errors: false && error is false, and an
// error is returned only when the other side does not decide.
class LogicNode final : public Node {
 public:
  LogicNode(NodePtr a, NodePtr b, bool is_and) : a_(std::move(a)), b_(std::move(b)), and_(is_and) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value a = a_->Eval(f);
    if (a.kind() == Value::Kind::kBool && a.bool_value() != and_) return a;
    Value b = b_->Eval(f);
    if (b.kind() == Value::Kind::kBool && b.bool_value() != and_) return b;
    if (a.kind() == Value::Kind::kBool && b.kind() == Value::Kind::kBool) return b;
    if (a.is_error()) return a;
    if (b.is_error()) return b;
    return Value::Error(std::string("no matching overload for '") + (and_ ? "&&" : "||") +
                        "': operands must be bool");
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(and_ ? kTagAnd : kTagOr);
    w.WriteNode(*a_);
    w.WriteNode(*b_);
  }

 private:
  NodePtr a_, b_;
  bool and_;
};

class NotNode final : public Node {
 public:
  explicit NotNode(NodePtr a) : a_(std::move(a)) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value a = a_->Eval(f);
    if (a.is_error()) return a;
    if (a.kind() != Value::Kind::kBool) return Value::Error("no matching overload for '!': operand must be bool");
    return Value::Bool(!a.bool_value());
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagNot);
    w.WriteNode(*a_);
  }

 private:
  NodePtr a_;
};

class ConditionalNode final : public Node {
 public:
  ConditionalNode(NodePtr c, NodePtr a, NodePtr b) : c_(std::move(c)), a_(std::move(a)), b_(std::move(b)) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value c = c_->Eval(f);
    if (c.is_error()) return c;
    if (c.kind() != Value::Kind::kBool) return Value::Error("the condition of '?:' must be bool");
    return c.bool_value() ? a_->Eval(f) : b_->Eval(f);
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagConditional);
    w.WriteNode(*c_);
    w.WriteNode(*a_);
    w.WriteNode(*b_);
  }

 private:
  NodePtr c_, a_, b_;
};

// A call of a builtin's implementation, with its arguments evaluated
// first (an error among them is the result). kChargeArgBytes: the builtin's
// Cost is kArgBytes, charged here when the call succeeds.
template <bool kChargeArgBytes>
class CallNode final : public Node {
 public:
  CallNode(const Builtin& builtin, std::vector<NodePtr> args, BuiltinData data)
      : fn_(builtin.impl), args_(std::move(args)), data_(std::move(data)), cost_(builtin.cost),
        name_(builtin.name) {}
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagCall);
    w.out.Str(name_);
    w.out.U64(args_.size());
    for (const NodePtr& a : args_) w.WriteNode(*a);
  }

  // `var OP int` or `int OP var` for OP one of < <= > >=.
  std::optional<Guard> AsBound() const override {
    if (args_.size() != 2) return std::nullopt;
    std::string_view op = name_;
    const VarRef* ref = args_[0]->AsVar();
    const Value* c = args_[1]->AsConst();
    if (!ref) {
      ref = args_[1]->AsVar();
      c = args_[0]->AsConst();
      // Turned round: c OP var is var OP' c.
      if (op == "_<_") op = "_>_";
      else if (op == "_>_") op = "_<_";
      else if (op == "_<=_") op = "_>=_";
      else if (op == "_>=_") op = "_<=_";
      else return std::nullopt;
    }
    if (!ref || !c || c->kind() != Value::Kind::kInt) return std::nullopt;
    const std::int64_t v = c->int_value();
    Guard g;
    g.ref = *ref;
    g.range = true;
    if (op == "_<_") {
      if (v == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
      g.hi = v - 1;
    } else if (op == "_<=_") {
      g.hi = v;
    } else if (op == "_>_") {
      if (v == std::numeric_limits<std::int64_t>::max()) return std::nullopt;
      g.lo = v + 1;
    } else if (op == "_>=_") {
      g.lo = v;
    } else {
      return std::nullopt;
    }
    return g;
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value vals[4];
    std::vector<Value> many;
    Value* v = vals;
    if (args_.size() > 4) {
      many.resize(args_.size());
      v = many.data();
    }
    for (std::size_t i = 0; i < args_.size(); ++i) {
      v[i] = args_[i]->Eval(f);
      if (v[i].is_error()) return v[i];
    }
    if constexpr (kChargeArgBytes) {
      Value r = fn_(v, args_.size(), data_, f);
      const Value& charged = v[cost_.arg];
      if (!r.is_error() && charged.kind() == Value::Kind::kString) {
        f.ctx->steps_left -= static_cast<std::int64_t>(charged.string_value().size() / cost_.per_step);
      }
      return r;
    } else {
      return fn_(v, args_.size(), data_, f);
    }
  }

 private:
  BuiltinFn fn_;
  std::vector<NodePtr> args_;
  BuiltinData data_;
  Cost cost_;
  std::string_view name_;  // the builtin's, which the registry keeps
};

class ListNode final : public Node {
 public:
  explicit ListNode(std::vector<NodePtr> elems) : elems_(std::move(elems)) {}
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagList);
    w.out.U64(elems_.size());
    for (const NodePtr& e : elems_) w.WriteNode(*e);
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value::List out;
    out.reserve(elems_.size());
    BytesMeter bytes(f);
    for (const NodePtr& e : elems_) {
      Value v = e->Eval(f);
      if (v.is_error()) return v;
      if (!bytes.Add(v)) return bytes.Error();
      out.push_back(std::move(v));
    }
    return Value::ListOf(std::move(out));
  }

 private:
  std::vector<NodePtr> elems_;
};

class MapNode final : public Node {
 public:
  MapNode(std::vector<NodePtr> keys, std::vector<NodePtr> values)
      : keys_(std::move(keys)), values_(std::move(values)) {}
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagMap);
    w.out.U64(keys_.size());
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      w.WriteNode(*keys_[i]);
      w.WriteNode(*values_[i]);
    }
  }
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value::Map out;
    out.reserve(keys_.size());
    BytesMeter bytes(f);
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      Value k = keys_[i]->Eval(f);
      if (k.is_error()) return k;
      Value::Kind kk = k.kind();
      if (kk != Value::Kind::kString && kk != Value::Kind::kInt && kk != Value::Kind::kUint &&
          kk != Value::Kind::kBool) {
        return Value::Error("unsupported map key type: " + std::string(Value::KindName(kk)));
      }
      for (const auto& [existing, _] : out) {
        if (ValuesEqual(existing, k)) return Value::Error("repeated key in map literal: " + FormatCelLiteral(k));
      }
      Value v = values_[i]->Eval(f);
      if (v.is_error()) return v;
      if (!bytes.Add(k) || !bytes.Add(v)) return bytes.Error();
      out.emplace_back(std::move(k), std::move(v));
    }
    return Value::MapOf(std::move(out));
  }

 private:
  std::vector<NodePtr> keys_, values_;
};

// Evaluates `operand` by reference where it can, by value otherwise.
class Operand {
 public:
  Operand(const Node& n, Frame& f) {
    p_ = n.Peek(f);
    if (!p_) {
      held_ = n.Eval(f);
      p_ = &held_;
    }
  }
  const Value& operator*() const { return *p_; }

 private:
  const Value* p_;
  Value held_;
};

// The words of an enum among some constants, as bits by word index: in
// place for an enum of up to 64 words, on the heap beyond.
class WordBits {
 public:
  WordBits(std::shared_ptr<const EnumType> words, std::span<const Value> constants) : words_(std::move(words)) {
    const std::size_t n = (words_->values.size() + 63) / 64;
    if (n > 1) {
      more_ = std::make_unique<std::uint64_t[]>(n);  // zeroed
    }
    std::uint64_t* bits = n > 1 ? more_.get() : &one_;
    for (const Value& c : constants) {
      if (c.kind() != Value::Kind::kString) continue;
      const int i = words_->IndexOf(c.string_value());
      if (i >= 0) bits[static_cast<std::size_t>(i) / 64] |= std::uint64_t{1} << (static_cast<std::size_t>(i) % 64);
    }
  }
  // 1 when `v` is one of the enum's own words and among the constants, 0
  // when it is one of them and not among the constants, -1 when it is not
  // one of the enum's own words (compare it as text).
  int Test(const Value& v) const {
    if (v.kind() != Value::Kind::kString) return -1;
    const int i = words_->StoredIndex(v.string_value());
    if (i < 0) return -1;
    const auto word = static_cast<std::size_t>(i);
    return static_cast<int>((bits()[word / 64] >> (word % 64)) & 1u);
  }
  void Describe(Guard* g) const {
    g->words = words_.get();
    g->word_bits = bits();
  }
  const std::shared_ptr<const EnumType>& words() const { return words_; }

 private:
  const std::uint64_t* bits() const { return more_ ? more_.get() : &one_; }

  std::shared_ptr<const EnumType> words_;  // never null
  std::uint64_t one_ = 0;
  std::unique_ptr<std::uint64_t[]> more_;
};

// No word bits: a comparison whose operand is not of an enum type pays
// nothing for them (large policies compare many strings).
struct NoWordBits {
  int Test(const Value&) const { return -1; }
  void Describe(Guard*) const {}
  std::shared_ptr<const EnumType> words() const { return nullptr; }
};

// `operand == constant` (or !=); Bits is WordBits for an enum operand.
template <typename Bits>
class EqConstNode final : public Node {
 public:
  EqConstNode(NodePtr operand, Value constant, bool negate, Bits bits)
      : operand_(std::move(operand)), constant_(std::move(constant)), negate_(negate), bits_(std::move(bits)) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Operand v(*operand_, f);
    if ((*v).is_error()) return *v;
    const int known = bits_.Test(*v);
    if (known >= 0) return Value::Bool((known == 1) != negate_);
    return Value::Bool(ValuesEqual(*v, constant_) != negate_);
  }
  std::optional<Guard> AsGuard() const override {
    const VarRef* ref = operand_->AsVar();
    if (negate_ || !ref) return std::nullopt;
    Guard g;
    g.ref = *ref;
    g.allowed = std::span<const Value>(&constant_, 1);
    bits_.Describe(&g);
    return g;
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagEqConst);
    w.out.Bool(negate_);
    w.WriteValue(constant_);
    w.WriteEnum(bits_.words());
    w.WriteNode(*operand_);
  }

 private:
  NodePtr operand_;
  Value constant_;
  bool negate_;
  [[no_unique_address]] Bits bits_;
};

// `operand in [constants]`; Bits as for EqConstNode.
template <typename Bits>
class InConstListNode final : public Node {
 public:
  InConstListNode(NodePtr operand, Value list, Bits bits)
      : operand_(std::move(operand)), list_(std::move(list)), bits_(std::move(bits)) {}
  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Operand v(*operand_, f);
    if ((*v).is_error()) return *v;
    const int known = bits_.Test(*v);
    if (known >= 0) return Value::Bool(known == 1);
    for (const Value& e : list_.list_value()) {
      if (ValuesEqual(e, *v)) return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  std::optional<Guard> AsGuard() const override {
    const VarRef* ref = operand_->AsVar();
    if (!ref) return std::nullopt;
    Guard g;
    g.ref = *ref;
    g.allowed = std::span<const Value>(list_.list_value());
    bits_.Describe(&g);
    return g;
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagInConstList);
    w.WriteValue(list_);
    w.WriteEnum(bits_.words());
    w.WriteNode(*operand_);
  }

 private:
  NodePtr operand_;
  Value list_;
  [[no_unique_address]] Bits bits_;
};

class ComprehensionNode final : public Node {
 public:
  ComprehensionNode(MacroKind kind, int local, NodePtr range, NodePtr filter, NodePtr body)
      : kind_(kind), local_(local), range_(std::move(range)), filter_(std::move(filter)), body_(std::move(body)) {}

  Value Eval(Frame& f) const override {
    AFTERSALES_STEP(f);
    Value range = range_->Eval(f);
    if (range.is_error()) return range;
    std::vector<Value> keys;
    const Value::List* items = nullptr;
    if (range.kind() == Value::Kind::kList) {
      items = &range.list_value();
    } else if (range.kind() == Value::Kind::kMap) {
      for (const auto& [k, _] : range.map_value()) keys.push_back(k);
      items = &keys;
    } else {
      return Value::Error("macro range must be a list or a map, not " +
                          std::string(Value::KindName(range.kind())));
    }
    Value first_error;
    int count = 0;
    Value::List out;
    BytesMeter bytes(f);
    for (const Value& item : *items) {
      if (!Step(f)) return BudgetError();
      f.locals[local_] = item;
      if (kind_ == MacroKind::kMap) {
        if (filter_) {
          Value keep = filter_->Eval(f);
          if (keep.is_error()) return keep;
          if (keep.kind() != Value::Kind::kBool) return Value::Error("map() filter must be bool");
          if (!keep.bool_value()) continue;
        }
        Value v = body_->Eval(f);
        if (v.is_error()) return v;
        if (out.size() >= f.ctx->max_collection_size) {
          return Value::Error("list too large: more than " + std::to_string(f.ctx->max_collection_size) +
                              " items (limit max_collection_size)");
        }
        if (!bytes.Add(v)) return bytes.Error();
        out.push_back(std::move(v));
        continue;
      }
      Value p = body_->Eval(f);
      if (!p.is_error() && p.kind() != Value::Kind::kBool) {
        p = Value::Error("macro predicate must be bool");
      }
      switch (kind_) {
        case MacroKind::kAll:
          if (p.is_error()) {
            if (first_error.is_absent()) first_error = p;
          } else if (!p.bool_value()) {
            return Value::Bool(false);
          }
          break;
        case MacroKind::kExists:
          if (p.is_error()) {
            if (first_error.is_absent()) first_error = p;
          } else if (p.bool_value()) {
            return Value::Bool(true);
          }
          break;
        case MacroKind::kExistsOne:
          if (p.is_error()) return p;
          if (p.bool_value()) ++count;
          break;
        case MacroKind::kFilter:
          if (p.is_error()) return p;
          if (p.bool_value()) {
            if (!bytes.Add(item)) return bytes.Error();
            out.push_back(item);
          }
          break;
        case MacroKind::kMap:
          break;
      }
    }
    switch (kind_) {
      case MacroKind::kAll: return first_error.is_absent() ? Value::Bool(true) : first_error;
      case MacroKind::kExists: return first_error.is_absent() ? Value::Bool(false) : first_error;
      case MacroKind::kExistsOne: return Value::Bool(count == 1);
      case MacroKind::kFilter:
      case MacroKind::kMap: return Value::ListOf(std::move(out));
    }
    return Value::Error("bad macro");
  }
  void Save(ExprWriter& w) const override {
    w.out.U8(kTagComprehension);
    w.out.U8(static_cast<std::uint8_t>(kind_));
    w.out.U64(static_cast<std::uint64_t>(local_));
    w.out.Bool(filter_ != nullptr);
    w.WriteNode(*range_);
    if (filter_) w.WriteNode(*filter_);
    w.WriteNode(*body_);
  }

 private:
  MacroKind kind_;
  int local_;
  NodePtr range_, filter_, body_;
};

}  // namespace

NodePtr MakeConst(Value v) { return std::make_unique<ConstNode>(std::move(v)); }
NodePtr MakeVar(VarRef ref, Value absent) { return std::make_unique<VarNode>(ref, std::move(absent)); }
Value AbsentError(VarRef ref, std::string_view name) {
  if (ref.space == 1 && name.substr(0, 9) == "decision.") name.remove_prefix(9);
  return Value::Error(ref.space == 1 ? "decision field '" + std::string(name) + "' is not set"
                                     : "fact '" + std::string(name) + "' is absent");
}
NodePtr MakeNamed(std::uint32_t index, std::string name) {
  return std::make_unique<NamedNode>(index, std::move(name));
}
NodePtr MakePresence(VarRef ref) { return std::make_unique<PresenceNode>(ref); }
NodePtr MakeLocal(int index) { return std::make_unique<LocalNode>(index); }
NodePtr MakeSelect(NodePtr operand, std::string field, bool test_only) {
  return std::make_unique<SelectNode>(std::move(operand), std::move(field), test_only);
}
NodePtr MakeAnd(NodePtr a, NodePtr b) { return std::make_unique<LogicNode>(std::move(a), std::move(b), true); }
NodePtr MakeOr(NodePtr a, NodePtr b) { return std::make_unique<LogicNode>(std::move(a), std::move(b), false); }
NodePtr MakeNot(NodePtr a) { return std::make_unique<NotNode>(std::move(a)); }
NodePtr MakeConditional(NodePtr c, NodePtr a, NodePtr b) {
  return std::make_unique<ConditionalNode>(std::move(c), std::move(a), std::move(b));
}
NodePtr MakeCall(const Builtin& builtin, std::vector<NodePtr> args, BuiltinData data) {
  const Cost cost = builtin.cost;
  if (cost.kind == Cost::Kind::kArgBytes && cost.arg < args.size() && cost.per_step > 0) {
    return std::make_unique<CallNode<true>>(builtin, std::move(args), std::move(data));
  }
  return std::make_unique<CallNode<false>>(builtin, std::move(args), std::move(data));
}
NodePtr MakeList(std::vector<NodePtr> elems) { return std::make_unique<ListNode>(std::move(elems)); }
NodePtr MakeMap(std::vector<NodePtr> keys, std::vector<NodePtr> values) {
  return std::make_unique<MapNode>(std::move(keys), std::move(values));
}
NodePtr MakeEqConst(NodePtr operand, Value constant, bool negate, std::shared_ptr<const EnumType> words) {
  if (!words) {
    return std::make_unique<EqConstNode<NoWordBits>>(std::move(operand), std::move(constant), negate, NoWordBits{});
  }
  WordBits bits(std::move(words), std::span<const Value>(&constant, 1));
  return std::make_unique<EqConstNode<WordBits>>(std::move(operand), std::move(constant), negate, std::move(bits));
}
NodePtr MakeInConstList(NodePtr operand, Value list, std::shared_ptr<const EnumType> words) {
  if (!words || list.kind() != Value::Kind::kList) {
    return std::make_unique<InConstListNode<NoWordBits>>(std::move(operand), std::move(list), NoWordBits{});
  }
  WordBits bits(std::move(words), list.list_value());
  return std::make_unique<InConstListNode<WordBits>>(std::move(operand), std::move(list), std::move(bits));
}
NodePtr MakeComprehension(MacroKind kind, int local, NodePtr range, NodePtr filter, NodePtr body) {
  return std::make_unique<ComprehensionNode>(kind, local, std::move(range), std::move(filter), std::move(body));
}

namespace {

// The children of a node being read; empty when the reader failed.
std::vector<NodePtr> ReadChildren(ExprReader& r, std::size_t n) {
  std::vector<NodePtr> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n && !r.in.failed(); ++i) out.push_back(r.ReadNode());
  if (r.in.failed()) out.clear();
  return out;
}

// True when some overload of `b` takes `n` arguments (the receiver counted).
bool TakesArgs(const Builtin& b, std::size_t n) {
  for (const Overload& o : b.overloads) {
    if (o.params.size() == n) return true;
  }
  return false;
}

}  // namespace

NodePtr DecodeNode(ExprReader& r) {
  ByteReader& in = r.in;
  const std::uint8_t tag = in.U8();
  if (in.failed()) return nullptr;
  switch (tag) {
    case kTagConst: {
      Value v = r.ReadValue();
      return in.failed() ? nullptr : MakeConst(std::move(v));
    }
    case kTagVar: {
      const VarRef ref = r.ReadRef(false);
      if (in.failed()) return nullptr;
      const Value* absent = r.AbsentOf(ref);
      if (absent == nullptr) {
        in.Fail("a reference to an undeclared slot");
        return nullptr;
      }
      return MakeVar(ref, *absent);
    }
    case kTagNamed: {
      const auto index = static_cast<std::uint32_t>(in.Below(r.bounds().named, "a named value"));
      std::string name = in.Str();
      if (in.failed()) return nullptr;
      r.NoteNamed(index);
      return MakeNamed(index, std::move(name));
    }
    case kTagPresence: {
      const VarRef ref = r.ReadRef(false);
      return in.failed() ? nullptr : MakePresence(ref);
    }
    case kTagLocal: {
      const auto index = static_cast<int>(in.Below(static_cast<std::uint64_t>(r.num_locals()), "a macro variable"));
      return in.failed() ? nullptr : MakeLocal(index);
    }
    case kTagSelect: {
      std::string field = in.Str();
      const bool test_only = in.Bool();
      NodePtr operand = r.ReadNode();
      return in.failed() ? nullptr : MakeSelect(std::move(operand), std::move(field), test_only);
    }
    case kTagAnd:
    case kTagOr: {
      NodePtr a = r.ReadNode();
      NodePtr b = r.ReadNode();
      if (in.failed()) return nullptr;
      return tag == kTagAnd ? MakeAnd(std::move(a), std::move(b)) : MakeOr(std::move(a), std::move(b));
    }
    case kTagNot: {
      NodePtr a = r.ReadNode();
      return in.failed() ? nullptr : MakeNot(std::move(a));
    }
    case kTagConditional: {
      NodePtr c = r.ReadNode();
      NodePtr a = r.ReadNode();
      NodePtr b = r.ReadNode();
      return in.failed() ? nullptr : MakeConditional(std::move(c), std::move(a), std::move(b));
    }
    case kTagCall: {
      const std::string name = in.Str();
      const std::size_t n = in.Count();
      if (in.failed()) return nullptr;
      const Builtin* b = FindBuiltin(name);
      if (b == nullptr || b->impl == nullptr || !TakesArgs(*b, n)) {
        in.Fail("a call of '" + name + "' with " + std::to_string(n) + " arguments, which this library has not");
        return nullptr;
      }
      std::vector<NodePtr> args = ReadChildren(r, n);
      if (in.failed()) return nullptr;
      // A constant argument is prepared again, as the compiler prepares it.
      BuiltinData data;
      const Preparation& p = b->prepare;
      if (p.fn && p.arg >= 0 && static_cast<std::size_t>(p.arg) < n) {
        const Value* c = args[static_cast<std::size_t>(p.arg)]->AsConst();
        if (c != nullptr && c->kind() == Value::Kind::kString) {
          if (r.regex_pool() == nullptr) {
            in.Fail("a constant pattern with no pool to compile it into");
            return nullptr;
          }
          PrepareContext context{*r.regex_pool()};
          PrepareIssue issue;
          if (!p.fn(c->string_value(), context, &data, &issue)) {
            in.Fail("the constant argument of '" + name + "': " + issue.message);
            return nullptr;
          }
        }
      }
      return MakeCall(*b, std::move(args), std::move(data));
    }
    case kTagList: {
      const std::size_t n = in.Count();
      std::vector<NodePtr> elems = ReadChildren(r, n);
      return in.failed() ? nullptr : MakeList(std::move(elems));
    }
    case kTagMap: {
      const std::size_t n = in.Count(2);
      std::vector<NodePtr> keys, values;
      for (std::size_t i = 0; i < n && !in.failed(); ++i) {
        keys.push_back(r.ReadNode());
        values.push_back(r.ReadNode());
      }
      return in.failed() ? nullptr : MakeMap(std::move(keys), std::move(values));
    }
    case kTagEqConst: {
      const bool negate = in.Bool();
      Value constant = r.ReadValue();
      std::shared_ptr<const EnumType> words = r.ReadEnum();
      NodePtr operand = r.ReadNode();
      return in.failed() ? nullptr : MakeEqConst(std::move(operand), std::move(constant), negate, std::move(words));
    }
    case kTagInConstList: {
      Value list = r.ReadValue();
      std::shared_ptr<const EnumType> words = r.ReadEnum();
      NodePtr operand = r.ReadNode();
      if (!in.failed() && list.kind() != Value::Kind::kList) in.Fail("an 'in' constant that is not a list");
      return in.failed() ? nullptr : MakeInConstList(std::move(operand), std::move(list), std::move(words));
    }
    case kTagComprehension: {
      const std::uint8_t kind = in.U8();
      if (kind > static_cast<std::uint8_t>(MacroKind::kMap)) in.Fail("an unknown macro");
      const auto local = static_cast<int>(in.Below(static_cast<std::uint64_t>(r.num_locals()), "a macro variable"));
      const bool has_filter = in.Bool();
      NodePtr range = r.ReadNode();
      NodePtr filter = has_filter ? r.ReadNode() : nullptr;
      NodePtr body = r.ReadNode();
      if (in.failed()) return nullptr;
      return MakeComprehension(static_cast<MacroKind>(kind), local, std::move(range), std::move(filter),
                               std::move(body));
    }
    default:
      in.Fail("an unknown expression node (" + std::to_string(tag) + ")");
      return nullptr;
  }
}

}  // namespace aftersales::internal
