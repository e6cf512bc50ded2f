// Text that a configuration, a file name or a record on disk supplied, placed in the Markdown that
// pandoc typesets: always as data, never as markup. A config's title of `\input{/etc/passwd}` or
// `<img src="secret">` must print as those characters in HTML and PDF, not read the file: pandoc
// passes raw TeX and raw HTML through, and --self-contained embeds any local path an <img> names.
#pragma once

#include <string>
#include <string_view>

namespace superpos {

// `text` as Markdown that pandoc renders as exactly these characters, inline (in prose or a table
// cell): every ASCII character with a meaning in pandoc's Markdown (\ ` * _ { } [ ] < > ( ) # + -
// ! | $ % & ~ ^ " ' @) is backslash-escaped, and a control character (a config line holds none, a
// file name may) is shown as U+FFFD. Letters, digits, spaces, '.', ',', ':', ';', '/', '?' and '='
// are left as they are, so numbers read as numbers in the Markdown too.
std::string markdown_literal(std::string_view text);

// `text` as HTML element text or an attribute value: & < > " ' as entities (the companion's raw
// HTML explorers, the published site's index and feed).
std::string html_text(std::string_view text);

// `text` as an inline code span: fenced by one more backtick than its longest run of backticks, so
// nothing in it ends the span early; control characters as U+FFFD.
std::string code_span(std::string_view text);

// A link or image destination for a local path: <path>, which may hold spaces and parentheses.
// Throws std::invalid_argument for a path that no destination can hold ('<', '>' or a control
// character); the caller names the option it came from.
std::string link_destination(std::string_view path);

// A command line recorded as text ("superpos train --config F --out D --quiet") as one code span per
// option with its value, separated by spaces: the PDF can break a long command between options,
// where a single span of 150 characters runs past the margin. Every word that starts with
// `folder` + '/' is shown relative to `folder` (the folder make ran in), so that a report shows
// `build/out/runs/x`, what a reader types, not the builder's home folder; an empty `folder`
// changes nothing.
std::string command_spans(std::string_view command, std::string_view folder);

// `path` relative to `folder` when it lies inside it (the prefix `folder` + '/' removed), as is
// otherwise; the rule command_spans applies to each of its words.
std::string shown_path(std::string_view path, std::string_view folder);

// The folder this process runs in (make's), as the `folder` for the two above.
const std::string& working_folder();

}  // namespace superpos
