// Type: the static types of the expression language, used by the checker.
// Enums are strings with a closed set of values: comparing an enum-typed
// fact with a string literal the enum lacks is a check error. dyn is the
// unknown type (anything goes, checked at run time).
//
// Depends on nothing but the standard library.
#ifndef AFTERSALES_EXPR_TYPE_H_
#define AFTERSALES_EXPR_TYPE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/word_index.h"

namespace aftersales::internal {

struct EnumType {
  EnumType() = default;
  EnumType(std::string n, std::vector<std::string> words) : name(std::move(n)), values(std::move(words)) {}

  std::string name;                 // "platform"
  std::vector<std::string> values;  // "taobao", "tmall", ...
  bool Contains(std::string_view v) const;
  int IndexOf(std::string_view v) const;  // -1 when v is not a value
  // The index of a string a fact holds. A case's enum fact refers to the
  // enum's own word (Value::StringRef), so its index is where it points:
  // no comparison at all; any other string is looked up. -1 when not a value.
  int IndexOfStored(const std::string& v) const;
  // The index of `v` when it is one of `values` itself (not a copy): a
  // comparison of addresses, no text read. -1 for any other string.
  // Also the words of the enum set by ShareWords, which has the same words
  // in the same order (a platform overlay's copy of the policy's enum: its
  // cases hold the policy's words).
  int StoredIndex(const std::string& v) const {
    const int i = IndexIn(values, v);
    return i >= 0 || !same_words_ ? i : IndexIn(same_words_->values, v);
  }
  // Lets StoredIndex find the words of `other` too. REQUIRES: `other` has
  // the same words in the same order; called while loading, before this
  // enum is shared between threads.
  void ShareWords(std::shared_ptr<const EnumType> other) const { same_words_ = std::move(other); }
  // Indexes `values` for IndexOf; call once they are all in.
  void Seal();
  WordIndex index;  // filled by Seal
  // Set by ShareWords (only).
  mutable std::shared_ptr<const EnumType> same_words_;

  // Where `v` is among `words` by its address; -1 when it is not one of them.
  static int IndexIn(const std::vector<std::string>& words, const std::string& v) {
    const std::less<const std::string*> before;
    const std::string* first = words.data();
    if (words.empty() || before(&v, first) || !before(&v, first + words.size())) return -1;
    return static_cast<int>(&v - first);
  }
};

class Type;
using TypePtr = std::shared_ptr<const Type>;

class Type {
 public:
  enum class Kind {
    kDyn, kNull, kBool, kInt, kUint, kDouble, kString, kEnum,
    kTimestamp, kDuration, kList, kMap, kError,
  };

  static TypePtr Dyn();
  static TypePtr Null();
  static TypePtr Bool();
  static TypePtr Int();
  static TypePtr Uint();
  static TypePtr Double();
  static TypePtr String();
  static TypePtr Timestamp();
  static TypePtr Duration();
  static TypePtr Error();
  static TypePtr Enum(std::shared_ptr<const EnumType> e);
  static TypePtr List(TypePtr elem);
  static TypePtr Map(TypePtr key, TypePtr value);

  Kind kind() const { return kind_; }
  const TypePtr& elem() const { return a_; }    // list element, map key
  const TypePtr& value() const { return b_; }   // map value
  const std::shared_ptr<const EnumType>& enum_type() const { return enum_; }

  // "int", "list(string)", "map(string, int)", enum name for enums.
  std::string ToString() const;

  Type(Kind k, TypePtr a, TypePtr b, std::shared_ptr<const EnumType> e)
      : kind_(k), a_(std::move(a)), b_(std::move(b)), enum_(std::move(e)) {}

 private:
  Kind kind_;
  TypePtr a_, b_;
  std::shared_ptr<const EnumType> enum_;
};

// list<list<list<list<x>>>> at most: a declared type (schema_builder.cc)
// nests no deeper, so a walk over a fact's or a decision's value that
// stops past this depth sees all of it.
constexpr int kMaxTypeNesting = 4;

// True when a value of type `from` may be used where `to` is expected
// (dyn goes both ways; an enum is a string; list/map covariantly).
bool IsAssignable(const Type& to, const Type& from);

// Known only at run time: no type, dyn, or an error already reported.
inline bool IsDyn(const TypePtr& t) {
  return !t || t->kind() == Type::Kind::kDyn || t->kind() == Type::Kind::kError;
}
// Text: a string or an enum (whose values are strings).
inline bool IsStringy(const TypePtr& t) {
  return t->kind() == Type::Kind::kString || t->kind() == Type::Kind::kEnum;
}
// The same type, written the same way (list<int> and list<int>).
inline bool Same(const TypePtr& a, const TypePtr& b) { return a->ToString() == b->ToString(); }

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_TYPE_H_
