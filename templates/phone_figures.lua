-- HTML only: a figure drawn for a phone as well (NAME.phone.svg beside NAME.svg, written by superpos'
-- draw_page_and_phone) carries both images, and report.css shows the phone's layout on a narrow
-- screen and the page's otherwise. Both are plain <img> so that --self-contained embeds both. The
-- figure keeps its id (on <figure>, where the numbered links of crossref.lua land) and its caption.
-- Runs after crossref.lua, so the caption already starts with its "Figure N:".

local function exists(path)
  local file = io.open(path, "rb")
  if file == nil then return false end
  file:close()
  return true
end

local function escape_attribute(text)
  return (text:gsub("&", "&amp;"):gsub("\"", "&quot;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

function Para(para)
  if #para.content ~= 1 or para.content[1].t ~= "Image" or #para.content[1].caption == 0 then return nil end
  local image = para.content[1]
  local phone, replaced = image.src:gsub("%.svg$", ".phone.svg")
  if replaced ~= 1 or not exists(phone) then return nil end
  local id = image.identifier
  local page_image = pandoc.Image(image.caption, image.src, "", pandoc.Attr("", { "page" }, image.attributes))
  local phone_image = pandoc.Image(image.caption, phone, "", pandoc.Attr("", { "phone" }, {}))
  local open = id ~= "" and ('<figure id="' .. escape_attribute(id) .. '" class="with-phone">') or '<figure class="with-phone">'
  return {
    pandoc.RawBlock("html", open),
    pandoc.Plain({ page_image, phone_image }),
    pandoc.RawBlock("html", "<figcaption>"),
    pandoc.Plain(image.caption),
    pandoc.RawBlock("html", "</figcaption>\n</figure>"),
  }
end
