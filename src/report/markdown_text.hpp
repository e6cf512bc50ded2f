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

// `text` as an inline code span: fenced by one more backtick than its longest run of backticks, so
// nothing in it ends the span early; control characters as U+FFFD.
std::string code_span(std::string_view text);

// A link or image destination for a local path: <path>, which may hold spaces and parentheses.
// Throws std::invalid_argument for a path that no destination can hold ('<', '>' or a control
// character); the caller names the option it came from.
std::string link_destination(std::string_view path);

}  // namespace superpos
