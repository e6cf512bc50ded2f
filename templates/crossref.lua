-- Numbered figures, tables and equations, and prose that points at them: `@fig:NAME` (a figure written
-- ![caption](path){#fig:NAME}) becomes "Figure N", a link to it. LaTeX numbers its figure and table
-- environments itself, so there the reference is \ref to pandoc's \label; HTML gets the same
-- numbers, counted here in document order and written before each caption. Runs before --citeproc,
-- so that citeproc never sees @fig: as a citation. A reference to a figure that does not exist
-- stops the build: a number that points nowhere would be a statement the report cannot back.
local figures, tables = {}, 0
local figure_count = 0
local latex = FORMAT:match("latex") ~= nil

local function is_figure(para)
  return #para.content == 1 and para.content[1].t == "Image" and #para.content[1].caption > 0
end

local function number_figure(para)
  if not is_figure(para) then return nil end
  local image = para.content[1]
  figure_count = figure_count + 1
  if image.identifier ~= "" then figures[image.identifier] = figure_count end
  if not latex then
    image.caption:insert(1, pandoc.Space())
    image.caption:insert(1, pandoc.Str("Figure " .. figure_count .. ":"))
  end
  return para
end

local function number_table(tbl)
  tables = tables + 1
  if latex then return nil end
  local long = tbl.caption.long
  local label = { pandoc.Str("Table " .. tables .. ":"), pandoc.Space() }
  if #long == 0 then return nil end
  local first = long[1]
  for k = #label, 1, -1 do first.content:insert(1, label[k]) end
  return tbl
end

-- A display equation written $$...$$ {#eq:NAME} is numbered: an equation environment with its \label
-- in LaTeX, the same number at its right in HTML; `@eq:NAME` becomes "Equation (N)".
local equations = {}
local equation_count = 0

local function number_equations(inlines)
  local out = pandoc.List()
  local k = 1
  while k <= #inlines do
    local el, gap, label = inlines[k], inlines[k + 1], inlines[k + 2]
    local id = label and label.t == "Str" and label.text:match("^{#(eq:[%w_%-]+)}$")
    if el.t == "Math" and el.mathtype == "DisplayMath" and gap and gap.t == "Space" and id then
      equation_count = equation_count + 1
      equations[id] = equation_count
      if latex then
        out:insert(pandoc.RawInline("latex", "\\begin{equation}" .. el.text .. "\\label{" .. id .. "}\\end{equation}"))
      else
        out:insert(pandoc.Span({ el, pandoc.Span({ pandoc.Str("(" .. equation_count .. ")") }, pandoc.Attr("", { "equation-number" })) },
          pandoc.Attr(id, { "equation" })))
      end
      k = k + 3
    else
      out:insert(el)
      k = k + 1
    end
  end
  return out
end

local function resolve(cite)
  if #cite.citations ~= 1 then return nil end
  local id = cite.citations[1].id
  if id:match("^eq:") then
    local number = equations[id]
    if number == nil then error("crossref.lua: @" .. id .. " refers to no equation (expected $$...$$ {#" .. id .. "})") end
    if latex then return pandoc.RawInline("latex", "Equation~\\eqref{" .. id .. "}") end
    return pandoc.Link({ pandoc.Str("Equation (" .. number .. ")") }, "#" .. id)
  end
  if not id:match("^fig:") then return nil end
  local number = figures[id]
  if number == nil then
    error("crossref.lua: @" .. id .. " refers to no figure (expected ![caption](path){#" .. id .. "})")
  end
  if latex then return pandoc.RawInline("latex", "Figure~\\ref{" .. id .. "}") end
  return pandoc.Link({ pandoc.Str("Figure " .. number) }, "#" .. id)
end

return { { Para = number_figure, Table = number_table, Inlines = number_equations }, { Cite = resolve } }
