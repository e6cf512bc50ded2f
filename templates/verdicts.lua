-- Verdict badges ([holds]{.verdict-holds} and the like) with a symbol and a colour in every output:
-- HTML gets the symbol as text (report.css colours the badge), LaTeX a coloured, bold mark, so that
-- "fails" no longer looks like "holds" on paper.
local marks = {
  ["verdict-holds"] = { html = "✓", latex = "\\checkmark", colour = "green!45!black" },
  ["verdict-fails"] = { html = "✗", latex = "\\times", colour = "red!75!black" },
  ["verdict-none"] = { html = "–", latex = "\\circ", colour = "black!55" },
  -- holds on the config's own seed, but on too few of the robustness seeds (the paper's chapters)
  ["verdict-fragile"] = { html = "≈", latex = "\\approx", colour = "orange!70!black" },
}

function Span(span)
  for class, mark in pairs(marks) do
    if span.classes:includes(class) then
      if FORMAT:match("latex") then
        local out = { pandoc.RawInline("latex", "\\textcolor{" .. mark.colour .. "}{\\textbf{$" .. mark.latex .. "$~") }
        for _, item in ipairs(span.content) do table.insert(out, item) end
        table.insert(out, pandoc.RawInline("latex", "}}"))
        return out
      end
      span.content:insert(1, pandoc.Space())
      span.content:insert(1, pandoc.Str(mark.html))
      return span
    end
  end
end
