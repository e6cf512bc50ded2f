-- Numbered figures and tables, and prose that points at them: `@fig:NAME` (a figure written
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

local function resolve(cite)
  if #cite.citations ~= 1 then return nil end
  local id = cite.citations[1].id
  if not id:match("^fig:") then return nil end
  local number = figures[id]
  if number == nil then
    error("crossref.lua: @" .. id .. " refers to no figure (expected ![caption](path){#" .. id .. "})")
  end
  if latex then return pandoc.RawInline("latex", "Figure~\\ref{" .. id .. "}") end
  return pandoc.Link({ pandoc.Str("Figure " .. number) }, "#" .. id)
end

return { { Para = number_figure, Table = number_table }, { Cite = resolve } }
