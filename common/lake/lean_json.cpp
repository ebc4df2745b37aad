#include "common/lake/lean_json.h"

#include <memory>
#include <vector>

namespace leancache::lake {
namespace {

// A Wadler/Lean document: text, line (a space when flat), nest, group, concatenation.
struct Doc {
  enum Kind { kText, kLine, kNest, kGroup, kCat } kind = kText;
  std::string text;
  int indent = 0;
  std::vector<std::shared_ptr<Doc>> parts;  // kNest/kGroup: one part; kCat: any
};
using DocPtr = std::shared_ptr<Doc>;

DocPtr Text(std::string s) { auto d = std::make_shared<Doc>(); d->text = std::move(s); return d; }
DocPtr Line() { auto d = std::make_shared<Doc>(); d->kind = Doc::kLine; return d; }
DocPtr Cat(std::vector<DocPtr> parts) {
  auto d = std::make_shared<Doc>(); d->kind = Doc::kCat; d->parts = std::move(parts); return d;
}
DocPtr Group(DocPtr inner) {
  auto d = std::make_shared<Doc>(); d->kind = Doc::kGroup; d->parts = {std::move(inner)}; return d;
}
DocPtr Nest(int n, DocPtr inner) {
  auto d = std::make_shared<Doc>(); d->kind = Doc::kNest; d->indent = n; d->parts = {std::move(inner)};
  return d;
}
// Lean's Format.bracket l f r = group (nest l.length (l ++ f ++ r)).
DocPtr Bracket(const std::string& l, DocPtr f, const std::string& r) {
  return Group(Nest(static_cast<int>(l.size()), Cat({Text(l), std::move(f), Text(r)})));
}
// Lean's Format.joinSep xs ("," ++ line).
DocPtr JoinComma(std::vector<DocPtr> items) {
  std::vector<DocPtr> parts;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) { parts.push_back(Text(",")); parts.push_back(Line()); }
    parts.push_back(std::move(items[i]));
  }
  return Cat(std::move(parts));
}

std::string NumberText(const nlohmann::json& j) {
  if (j.is_number_unsigned()) return std::to_string(j.get<uint64_t>());
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  return j.dump();  // non-integers do not occur in Lake's files; nlohmann's shortest form
}

DocPtr Render(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Text("null");
    case nlohmann::json::value_t::boolean: return Text(j.get<bool>() ? "true" : "false");
    case nlohmann::json::value_t::string: return Text(LeanJsonString(j.get<std::string>()));
    case nlohmann::json::value_t::array: {
      std::vector<DocPtr> items;
      for (const auto& e : j) items.push_back(Render(e));
      return Bracket("[", JoinComma(std::move(items)), "]");
    }
    case nlohmann::json::value_t::object: {
      std::vector<DocPtr> items;
      for (auto it = j.rbegin(); it != j.rend(); ++it) {  // Lean: reverse key order
        items.push_back(Group(Cat({Text(LeanJsonString(it.key()) + ":"), Line(), Render(it.value())})));
      }
      return Bracket("{", JoinComma(std::move(items)), "}");
    }
    default: return Text(NumberText(j));
  }
}

// Display width of text: Lean counts characters (code points), not bytes.
int Width(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// One pending item of the layout: a document with its indentation and whether the group it
// belongs to was laid out flat.
struct Item {
  const Doc* doc;
  int indent;
  bool flat;
};

class Printer {
 public:
  explicit Printer(int width) : width_(width) {}

  std::string Run(const Doc& root) {
    stack_.push_back({&root, 0, false});
    while (!stack_.empty()) {
      Item it = stack_.back();
      stack_.pop_back();
      Step(it);
    }
    return out_;
  }

 private:
  void Step(const Item& it) {
    const Doc& d = *it.doc;
    switch (d.kind) {
      case Doc::kText: out_ += d.text; column_ += Width(d.text); break;
      case Doc::kLine:
        if (it.flat) { out_ += ' '; column_ += 1; }
        else { out_ += '\n'; out_.append(static_cast<size_t>(it.indent), ' '); column_ = it.indent; }
        break;
      case Doc::kNest: stack_.push_back({d.parts[0].get(), it.indent + d.indent, it.flat}); break;
      case Doc::kGroup: {
        bool flat = it.flat || Fits(d, it.indent);
        stack_.push_back({d.parts[0].get(), it.indent, flat});
        break;
      }
      case Doc::kCat:
        for (auto p = d.parts.rbegin(); p != d.parts.rend(); ++p) stack_.push_back({p->get(), it.indent, it.flat});
        break;
    }
  }

  // Lean's pushGroup: the group laid out flat, plus the rest of the current line (the pending
  // items in their own modes, up to their first line break), must fit in width - column.
  bool Fits(const Doc& group, int indent) const {
    int room = width_ - column_;
    std::vector<Item> work(stack_.begin(), stack_.end());
    work.push_back({group.parts[0].get(), indent, true});
    while (!work.empty()) {
      Item it = work.back();
      work.pop_back();
      const Doc& d = *it.doc;
      switch (d.kind) {
        case Doc::kText: room -= Width(d.text); if (room < 0) return false; break;
        case Doc::kLine:
          if (!it.flat) return true;
          room -= 1;
          if (room < 0) return false;
          break;
        case Doc::kNest:
        case Doc::kGroup: work.push_back({d.parts[0].get(), it.indent, it.flat}); break;
        case Doc::kCat:
          for (auto p = d.parts.rbegin(); p != d.parts.rend(); ++p) work.push_back({p->get(), it.indent, it.flat});
          break;
      }
    }
    return true;
  }

  int width_;
  int column_ = 0;
  std::string out_;
  std::vector<Item> stack_;
};

}  // namespace

std::string LeanJsonString(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20) { out += "\\u00"; out += kHex[c >> 4]; out += kHex[c & 15]; }
    else out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

std::string LeanJsonPretty(const nlohmann::json& j, int width) {
  DocPtr doc = Render(j);
  return Printer(width).Run(*doc);
}

std::string LeanJsonCompress(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: return LeanJsonString(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < j.size(); ++i) { if (i) out += ","; out += LeanJsonCompress(j[i]); }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = j.rbegin(); it != j.rend(); ++it) {
        if (!first) out += ",";
        first = false;
        out += LeanJsonString(it.key()) + ":" + LeanJsonCompress(it.value());
      }
      return out + "}";
    }
    default: return NumberText(j);
  }
}

}  // namespace leancache::lake
