// ExprWriter / ExprReader: compiled expressions (Programs, their node
// trees, values, types and enums) to bytes and back, for policy snapshots
// (src/policy/snapshot.h). A Program read back is the one written: the same
// nodes with the same constants, builtins (by registry name), enums and
// slots; constant patterns and zones are prepared again by their builtins.
//
// Enums keep their identity: every EnumType written through one ExprWriter
// is written once and referred to by number after, and the reader hands out
// one shared object per number (word comparisons by index rely on it).
//
// The reader trusts nothing: every slot, local, named value and builtin is
// checked against the bounds it is given, nesting is bounded, and a call's
// argument count must fit one of its builtin's overloads; the first problem
// fails the ByteReader (see bytes.h) and the result is to be discarded.
#ifndef AFTERSALES_EXPR_CODEC_H_
#define AFTERSALES_EXPR_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "common/value.h"
#include "expr/declarations.h"
#include "expr/node.h"
#include "expr/program.h"
#include "expr/type.h"

namespace aftersales::internal {

class RegexPool;

class ExprWriter {
 public:
  explicit ExprWriter(ByteWriter& out) : out(out) {}

  void WriteValue(const Value& v);
  void WriteType(const TypePtr& t);  // null allowed
  void WriteEnum(const std::shared_ptr<const EnumType>& e);  // null allowed
  void WriteRef(VarRef ref);
  void WriteProgram(const Program* p);  // null allowed
  // A node and its subtree (Node::Save writes its children through this).
  void WriteNode(const Node& n);

  ByteWriter& out;

 private:
  // `encoded` as it is the first time, its number in `seen` after.
  void WriteOnce(std::string encoded, std::unordered_map<std::string, std::uint32_t>* seen);
  void EncodeValue(const Value& v, ByteWriter& out);
  void WriteEnumTo(const std::shared_ptr<const EnumType>& e, ByteWriter& out);
  void EncodeType(const TypePtr& t, ByteWriter& out);

  std::unordered_map<const EnumType*, std::uint32_t> enums_;
  std::unordered_map<const Node*, std::uint32_t> order_;  // the program's nodes, pre-order
  // Values and types written before, by their encoding: a large policy
  // repeats the same few constants and types thousands of times, and each
  // repeat is written as the number of its first (read back as one shared
  // immutable value, not another allocation).
  std::unordered_map<std::string, std::uint32_t> values_;
  std::unordered_map<std::string, std::uint32_t> types_;
};

// What the programs being read may refer to.
struct ExprBounds {
  std::uint32_t facts = 0;      // slots of space 0 (a policy's kFactSpace)
  std::uint32_t decisions = 0;  // slots of space 1
  std::uint32_t named = 0;      // named values
};

class ExprReader {
 public:
  // `regex_pool`: where constant patterns are compiled (the policy's).
  ExprReader(ByteReader& in, RegexPool* regex_pool) : in(in), regex_pool_(regex_pool) {}

  void set_bounds(ExprBounds b) { bounds_ = b; }
  void set_regex_pool(RegexPool* pool) { regex_pool_ = pool; }
  // How deeply a program's nodes may nest (a compiled tree nests about as
  // deeply as its expression: loading bounds that by max_expression_depth).
  void set_max_depth(int depth) { max_depth_ = depth; }
  const ExprBounds& bounds() const { return bounds_; }

  Value ReadValue();
  TypePtr ReadType();
  std::shared_ptr<const EnumType> ReadEnum();
  // `allow_named`: a reference to a named value may appear here.
  VarRef ReadRef(bool allow_named);
  std::unique_ptr<const Program> ReadProgram();  // null when none was written (or on failure)
  // What reading slot `ref` gives when it holds nothing: the error its
  // declaration names (Declarations::Add), set by SetDeclarations; null
  // for a slot with no declaration.
  const Value* AbsentOf(VarRef ref) const;
  // The declarations the programs read next are compiled against.
  void SetDeclarations(const Declarations& decls);
  NodePtr ReadNode();

  // The named values the program read last refers to (each once).
  const std::vector<std::uint32_t>& named_refs() const { return named_refs_; }

  // For the node decoder (node.cc).
  int num_locals() const { return num_locals_; }
  void NoteNamed(std::uint32_t index) { named_refs_.push_back(index); }
  RegexPool* regex_pool() const { return regex_pool_; }

  ByteReader& in;

 private:
  Value ReadValueAt(int depth);
  TypePtr ReadTypeAt(int depth);

  RegexPool* regex_pool_;
  ExprBounds bounds_;
  std::vector<std::shared_ptr<const EnumType>> enums_;
  std::vector<const Node*> nodes_;  // the program's nodes, pre-order
  std::vector<Value> absent_[2];    // by space (facts, decisions) and slot
  std::vector<Value> values_;       // as ExprWriter::values_ numbers them
  std::vector<TypePtr> types_;      // as ExprWriter::types_ numbers them
  std::vector<std::uint32_t> named_refs_;
  int num_locals_ = 0;
  int depth_ = 0;
  int max_depth_ = 2 * 64 + 8;
};

// The node that `r` reads next, its tag first (node.cc; called by
// ExprReader::ReadNode, which counts it and bounds the nesting).
NodePtr DecodeNode(ExprReader& r);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_CODEC_H_
