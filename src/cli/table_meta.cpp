#include "cli/table_meta.hpp"

#include "isoster/parameters.hpp"
#include "isoster/version.hpp"

namespace isoster::cli {

void add_input_keywords(io::TableMeta& m, const std::string& input, const io::ImageInfo& info) {
  m.bunit = info.bunit;
  m.items.push_back(io::text_item("ISOVER", ISOSTER_VERSION, "isoster version"));
  m.items.push_back(io::text_item("ISOREV", ISOSTER_GIT_REVISION, "isoster git revision"));
  m.items.push_back(io::text_item("INPUT", input, "input image"));
  m.items.push_back(io::numeric_item("HDU", info.hdu, "0-based HDU read"));
  m.items.push_back(io::numeric_item("IMNAXIS1", info.nx, "input image width (pixels)"));
  m.items.push_back(io::numeric_item("IMNAXIS2", info.ny, "input image height (pixels)"));
  m.items.push_back(io::numeric_item("PLANE", info.plane, "0-based plane read"));
}

void add_convention_keywords(io::TableMeta& m) {
  m.items.push_back(
      io::text_item("XYCONV", "0-based; pixel centre at integer", "X0/Y0 convention"));
  m.items.push_back(io::text_item("PACONV", "deg CCW from +x in [0,180)", "PA convention"));
}

std::vector<io::HeaderItem> parameter_keywords(const FitConfig& c, unsigned table) {
  std::vector<io::HeaderItem> items;
  for (const ParamDesc& p : fit_parameters()) {
    if (p.fits_key == nullptr || !(p.scope & table)) continue;
    if (p.type == ParamType::Choice)
      items.push_back(io::text_item(p.fits_key, param_text(p, c), p.fits_comment));
    else
      items.push_back(io::numeric_item(p.fits_key, param_number(p, c), p.fits_comment));
  }
  return items;
}

}  // namespace isoster::cli
