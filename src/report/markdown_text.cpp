#include "report/markdown_text.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <vector>

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
  // Appended rather than "<" + std::string(path) + ">": GCC 12 warns (-Wrestrict) on that chain of
  // temporaries whenever the unity build puts this file beside certain others.
  std::string destination;
  destination.reserve(path.size() + 2);
  destination += '<';
  destination += path;
  destination += '>';
  return destination;
}

const std::string& working_folder() {
  static const std::string folder = std::filesystem::current_path().string();
  return folder;
}

std::string shown_path(std::string_view path, std::string_view folder) {
  if (folder.empty() || folder == "/") return std::string(path);
  const std::string prefix = std::string(folder.ends_with('/') ? folder.substr(0, folder.size() - 1) : folder) + "/";
  if (path.size() > prefix.size() && path.starts_with(prefix)) return std::string(path.substr(prefix.size()));
  return std::string(path);
}

std::string command_spans(std::string_view command, std::string_view folder) {
  // Split before each " --" (an option starts a new span); a value with spaces stays whole.
  std::vector<std::string> parts{""};
  std::size_t k = 0;
  while (k < command.size()) {
    if (command.substr(k).starts_with(" --")) {
      parts.emplace_back();
      ++k;
      continue;
    }
    parts.back() += command[k++];
  }
  std::string out;
  for (const std::string& part : parts) {
    // Each word of the part relative to `folder`, spaces kept as they were.
    std::string shown;
    std::size_t start = 0;
    while (start <= part.size()) {
      const std::size_t end = std::min(part.find(' ', start), part.size());
      shown += shown_path(std::string_view(part).substr(start, end - start), folder);
      if (end < part.size()) shown += ' ';
      start = end + 1;
    }
    if (!out.empty()) out += ' ';
    out += code_span(shown);
  }
  return out;
}

std::string html_text(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

}  // namespace superpos
