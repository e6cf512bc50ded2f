#include "report/markdown_text.hpp"

#include <algorithm>
#include <stdexcept>

namespace superpos {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kMarkup = "\\`*_{}[]<>()#+-!|$%&~^\"'@";

bool is_control(char ch) {
  const auto byte = static_cast<unsigned char>(ch);
  return byte < 0x20 || byte == 0x7f;
}

}  // namespace

std::string markdown_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char ch : text) {
    if (is_control(ch)) {
      out += kReplacement;
      continue;
    }
    if (kMarkup.find(ch) != std::string_view::npos) out += '\\';
    out += ch;
  }
  return out;
}

std::string code_span(std::string_view text) {
  std::string body;
  std::size_t run = 0, longest = 0;
  for (char ch : text) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (is_control(ch)) body += kReplacement;
    else body += ch;
  }
  const std::string fence(longest + 1, '`');
  // A span that starts or ends with a backtick needs a space inside its fence (CommonMark and
  // pandoc strip one such space on each side).
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string link_destination(std::string_view path) {
  for (char ch : path)
    if (ch == '<' || ch == '>' || is_control(ch))
      throw std::invalid_argument("a path with '<', '>' or a control character cannot be linked from the report");
  return "<" + std::string(path) + ">";
}

}  // namespace superpos
