-- Layout for the LaTeX report. (1) Code in running text and table cells: claim ids such as
-- relu_05_uniform_vs_relu_09_uniform.more_directions are one unbreakable word in \texttt, and ran
-- up to 167 pt past their table column. Here each '_' and '.' may end a line, and '-' is kept
-- from the typewriter font's ligatures. Headings are left
-- alone (their text also goes into the PDF's bookmarks). (2) A float barrier before every
-- chapter: a figure stays in its chapter (the seed gallery used to float past the references).
if not FORMAT:match("latex") then return {} end

local escapes = {
  ["\\"] = "\\textbackslash{}", ["{"] = "\\{", ["}"] = "\\}", ["#"] = "\\#", ["$"] = "\\$",
  ["%"] = "\\%", ["&"] = "\\&", ["~"] = "\\textasciitilde{}", ["^"] = "\\textasciicircum{}",
  ["_"] = "\\_\\allowbreak{}", ["."] = ".\\allowbreak{}",
  -- "--" in \texttt is the font's en-dash ligature: `--config` printed as one dash, and a reader
  -- who copied a command from the PDF got a wrong option. "-{}" keeps every hyphen its own glyph.
  ["-"] = "-{}",
}

local function breakable(code)
  local text = code.text:gsub("[\\{}#$%%&~^_.-]", escapes)
  return pandoc.RawInline("latex", "\\texttt{" .. text .. "}")
end

local function walk(block)
  return pandoc.walk_block(block, { Code = breakable })
end

local function barrier(header)
  if header.level == 1 then return { pandoc.RawBlock("latex", "\\FloatBarrier"), header } end
end

return { { Para = walk, Plain = walk, Header = barrier } }
