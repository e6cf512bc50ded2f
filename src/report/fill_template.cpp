#include "report/fill_template.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sstream>

#include "io/config.hpp"

namespace superpos {

std::string fill_template(const std::string& text, const std::string& template_name,
                          const PlaceholderResolver& resolve) {
  std::string out;
  std::size_t position = 0;
  while (true) {
    const std::size_t open = text.find("{{", position);
    if (open == std::string::npos) break;
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(open), '\n');
    const std::size_t close = text.find("}}", open);
    if (close == std::string::npos)
      throw InputError(fmt::format("{}:{}: '{{{{' is never closed by '}}}}'", template_name, line));
    out.append(text, position, open - position);
    std::istringstream words_in(text.substr(open + 2, close - open - 2));
    std::vector<std::string> words;
    for (std::string word; words_in >> word;) words.push_back(word);
    try {
      if (words.empty()) throw InputError("empty placeholder");
      out += resolve(words);
    } catch (const std::exception& error) {
      throw InputError(fmt::format("{}:{}: placeholder '{}': {}", template_name, line,
                                   text.substr(open, close + 2 - open), error.what()));
    }
    position = close + 2;
  }
  out.append(text, position);
  return out;
}

}  // namespace superpos
