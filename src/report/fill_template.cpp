#include "report/fill_template.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <sstream>

#include "io/config.hpp"

namespace superpos {
namespace {

struct Tag {
  std::size_t open;   // offset of "{{"
  std::size_t close;  // offset just past "}}"
  long line;
  std::vector<std::string> words;
};

std::vector<Tag> scan(const std::string& text, const std::string& name) {
  std::vector<Tag> tags;
  std::size_t position = 0;
  long line = 1;
  std::size_t counted = 0;
  while (true) {
    const std::size_t open = text.find("{{", position);
    if (open == std::string::npos) break;
    line += std::count(text.begin() + static_cast<std::ptrdiff_t>(counted), text.begin() + static_cast<std::ptrdiff_t>(open), '\n');
    counted = open;
    const std::size_t close = text.find("}}", open);
    if (close == std::string::npos) throw InputError(fmt::format("{}:{}: '{{{{' is never closed by '}}}}'", name, line));
    std::istringstream words_in(text.substr(open + 2, close - open - 2));
    Tag tag{open, close + 2, line, {}};
    for (std::string word; words_in >> word;) tag.words.push_back(word);
    if (tag.words.empty()) throw InputError(fmt::format("{}:{}: empty placeholder '{{{{}}}}'", name, line));
    tags.push_back(std::move(tag));
    position = close + 2;
  }
  return tags;
}

bool opens_block(const Tag& tag) { return tag.words[0] == "if" || tag.words[0] == "chapter"; }

class Filler {
 public:
  Filler(const std::string& text, const std::string& name, const TemplateResolver& resolver)
      : text_(text), name_(name), resolver_(resolver), tags_(scan(text, name)) {}

  std::string run() {
    std::string out;
    std::size_t tag = 0;
    const std::size_t end = fill(0, tag, true, out, nullptr);
    if (tag != tags_.size()) {
      const Tag& stray = tags_[tag];
      throw InputError(fmt::format("{}:{}: '{{{{{}}}}}' has no '{{{{if ...}}}}' to close", name_, stray.line, stray.words[0]));
    }
    out.append(text_, end, std::string::npos);
    return out;
  }

 private:
  std::string quote(const Tag& tag) const { return text_.substr(tag.open, tag.close - tag.open); }

  template <typename Call>
  auto guarded(const Tag& tag, Call call) const {
    try {
      return call();
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& error) {
      throw InputError(fmt::format("{}:{}: placeholder '{}': {}", name_, tag.line, quote(tag), error.what()));
    }
  }

  // Fills from text offset `from` and tag index `tag` until an `else` or `end` that closes the
  // enclosing block (stored in *closer) or the end of the template. `live`: this branch is kept.
  std::size_t fill(std::size_t from, std::size_t& tag, bool live, std::string& out, const Tag** closer) {
    std::size_t position = from;
    while (tag < tags_.size()) {
      const Tag& t = tags_[tag];
      const std::string& verb = t.words[0];
      if (live) out.append(text_, position, t.open - position);
      position = t.close;
      if (verb == "else" || verb == "end") {
        if (closer == nullptr)
          throw InputError(fmt::format("{}:{}: '{}' has no '{{{{if ...}}}}' to close", name_, t.line, quote(t)));
        *closer = &t;
        ++tag;
        return position;
      }
      ++tag;
      if (opens_block(t)) {
        const std::vector<std::string> condition =
            verb == "if" ? std::vector<std::string>(t.words.begin() + 1, t.words.end()) : t.words;
        if (condition.empty()) throw InputError(fmt::format("{}:{}: '{}' has no condition", name_, t.line, quote(t)));
        const bool taken = live && guarded(t, [&] { return resolver_.condition(condition); });
        const Tag* closed_by = nullptr;
        position = fill(position, tag, live && taken, out, &closed_by);
        if (closed_by == nullptr)
          throw InputError(fmt::format("{}:{}: '{}' is never closed by '{{{{end}}}}'", name_, t.line, quote(t)));
        if (closed_by->words[0] == "else") {
          if (verb == "chapter")
            throw InputError(fmt::format("{}:{}: a chapter has no '{{{{else}}}}'", name_, closed_by->line));
          closed_by = nullptr;
          position = fill(position, tag, live && !taken, out, &closed_by);
          if (closed_by == nullptr || closed_by->words[0] != "end")
            throw InputError(fmt::format("{}:{}: '{}' is never closed by '{{{{end}}}}'", name_, t.line, quote(t)));
        }
        continue;
      }
      guarded(t, [&] { resolver_.check(t.words); return 0; });
      if (live) out += guarded(t, [&] { return resolver_.resolve(t.words); });
    }
    if (closer != nullptr) return position;  // the caller reports the unclosed block
    return position;
  }

  const std::string& text_;
  const std::string& name_;
  const TemplateResolver& resolver_;
  std::vector<Tag> tags_;
};

}  // namespace

std::string fill_template(const std::string& text, const std::string& template_name, const TemplateResolver& resolver) {
  return Filler(text, template_name, resolver).run();
}

}  // namespace superpos
