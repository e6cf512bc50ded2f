// Fills a Markdown template. Every `{{verb args...}}` is replaced by what the resolver returns for
// it, and `{{if COND...}} ... {{else}} ... {{end}}` keeps one branch (blocks nest; `{{chapter RUN}}`
// opens a block too). Only the branch taken is resolved, but every placeholder in both branches is
// checked, so a misspelt verb is an error even where the current runs do not reach it. Errors
// name the template's file and line.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace superpos {

struct TemplateResolver {
  // The placeholder's words (verb first) -> the Markdown to put in its place.
  std::function<std::string(const std::vector<std::string>& words)> resolve;
  // The words after `if` (or `chapter`'s, with "chapter" first) -> whether to keep the first branch.
  std::function<bool(const std::vector<std::string>& words)> condition;
  // Throws when the words cannot be a placeholder (unknown verb); called on untaken branches too.
  std::function<void(const std::vector<std::string>& words)> check;
};

std::string fill_template(const std::string& text, const std::string& template_name, const TemplateResolver& resolver);

}  // namespace superpos
