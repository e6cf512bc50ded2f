// Fills a Markdown template: every `{{verb args...}}` is replaced by what the resolver returns for
// it. An unknown placeholder is an error naming the template's file and line.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace superpos {

// Receives the placeholder's words (verb first); returns the Markdown to put in its place.
using PlaceholderResolver = std::function<std::string(const std::vector<std::string>& words)>;

std::string fill_template(const std::string& text, const std::string& template_name,
                          const PlaceholderResolver& resolve);

}  // namespace superpos
