#include "pipeline/catalog.hpp"

#include <fitsio.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace isoster::pipeline {

std::uint64_t fnv1a64(const void* data, std::size_t n, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return s.substr(a, b - a);
}

// Fields of one CSV line: comma-separated, optionally double-quoted ("" inside quotes is a quote).
bool split_csv(const std::string& line, std::vector<std::string>& out) {
  out.clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"' && trim(cur).empty()) {
      quoted = was_quoted = true;
      cur.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? cur : trim(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) return false;
  out.push_back(was_quoted ? cur : trim(cur));
  return true;
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

std::string folder_of(const std::string& path) {
  const auto k = path.find_last_of('/');
  return k == std::string::npos ? std::string() : path.substr(0, k + 1);
}

std::string resolve(const std::string& folder, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return folder + p;
}

enum Col {
  kId,
  kImage,
  kX,
  kY,
  kSma0,
  kEps,
  kPa,
  kMaxsma,
  kMask,
  kPlane,
  kTemplate,
  kVariance,
  kNumCols
};
const char* const kNames[kNumCols] = {"id", "image",  "x",    "y",     "sma0",     "eps",
                                      "pa", "maxsma", "mask", "plane", "template", "variance"};

}  // namespace

namespace {

bool is_fits(const std::string& text) { return text.rfind("SIMPLE  =", 0) == 0; }

// A FITS catalog (the first table HDU) as CSV text: the same parser then checks it. Columns are
// read as text (TSTRING) whatever their type, so integers, floats and strings all work; null
// values become empty fields.
std::string fits_table_as_csv(const std::string& path) {
  fitsfile* f = nullptr;
  int status = 0;
  fits_open_table(&f, path.c_str(), READONLY, &status);
  if (status) {
    char msg[FLEN_STATUS] = {};
    fits_get_errstatus(status, msg);
    if (f) {
      int st = 0;
      fits_close_file(f, &st);
    }
    throw CatalogError(path + ": not a FITS table catalog (" + msg + ")");
  }
  int ncol = 0;
  long nrow = 0;
  fits_get_num_cols(f, &ncol, &status);
  fits_get_num_rows(f, &nrow, &status);
  auto quote = [](const std::string& v) {
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out;
  for (int c = 1; c <= ncol && !status; ++c) {
    char key[FLEN_KEYWORD], name[FLEN_VALUE] = {};
    fits_make_keyn("TTYPE", c, key, &status);
    fits_read_key(f, TSTRING, key, name, nullptr, &status);
    out += (c > 1 ? "," : "") + std::string(name);
  }
  out += "\n";
  std::vector<std::vector<std::string>> cols(static_cast<std::size_t>(ncol));
  for (int c = 1; c <= ncol && !status; ++c) {
    int width = 0;
    fits_get_col_display_width(f, c, &width, &status);
    std::vector<std::vector<char>> buf(static_cast<std::size_t>(nrow),
                                       std::vector<char>(static_cast<std::size_t>(width) + 1));
    std::vector<char*> ptr;
    for (auto& b : buf) ptr.push_back(b.data());
    int anynul = 0;
    char nulstr[] = "";
    if (nrow > 0) fits_read_col(f, TSTRING, c, 1, 1, nrow, nulstr, ptr.data(), &anynul, &status);
    for (auto& b : buf) cols[c - 1].push_back(trim(b.data()));
  }
  int st = 0;
  fits_close_file(f, &st);
  if (status) throw CatalogError(path + ": cannot read the FITS table catalog");
  for (long r = 0; r < nrow; ++r) {
    for (int c = 0; c < ncol; ++c) out += (c > 0 ? "," : "") + quote(cols[c][r]);
    out += "\n";
  }
  return out;
}

}  // namespace

Catalog read_catalog(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CatalogError(path + ": cannot read the catalog");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string raw = buf.str();
  const std::string text = is_fits(raw) ? fits_table_as_csv(path) : raw;
  Catalog cat;
  cat.path = path;
  cat.checksum = fnv1a64(raw.data(), raw.size());
  const std::string folder = folder_of(path);

  std::istringstream lines(text);
  std::string line;
  long lineno = 0;
  std::vector<std::string> f;
  int where[kNumCols];
  std::fill(where, where + kNumCols, -1);
  std::size_t ncols = 0;
  bool have_header = false;
  std::unordered_map<std::string, long> seen;
  while (std::getline(lines, line)) {
    ++lineno;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::string at = path + ":" + std::to_string(lineno) + ": ";
    if (!split_csv(line, f)) throw CatalogError(at + "unterminated quoted field");
    if (!have_header) {
      for (std::size_t k = 0; k < f.size(); ++k) {
        std::string name = f[k];
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        int c = -1;
        for (int j = 0; j < kNumCols; ++j)
          if (name == kNames[j]) c = j;
        if (c < 0)
          throw CatalogError(at + "unknown column '" + f[k] +
                             "' (the first row must name columns among id, image, x, y, sma0, "
                             "eps, pa, maxsma, mask, plane, template, variance)");
        if (where[c] >= 0) throw CatalogError(at + "column '" + f[k] + "' appears twice");
        where[c] = static_cast<int>(k);
      }
      if (where[kId] < 0 || where[kImage] < 0)
        throw CatalogError(at + "no header with the required columns 'id' and 'image'");
      ncols = f.size();
      have_header = true;
      continue;
    }
    if (f.size() != ncols)
      throw CatalogError(at + "expected " + std::to_string(ncols) + " fields, found " +
                         std::to_string(f.size()));
    CatalogRow r;
    r.id = f[where[kId]];
    if (r.id.empty()) throw CatalogError(at + "empty id");
    const std::string image = f[where[kImage]];
    if (image.empty()) throw CatalogError(at + "empty image");
    r.image = resolve(folder, image);
    auto num = [&](int c, double& v) {
      if (where[c] < 0 || f[where[c]].empty()) return;  // not given
      if (!parse_double(f[where[c]], v))
        throw CatalogError(at + "column '" + kNames[c] + "': '" + f[where[c]] +
                           "' is not a number");
    };
    num(kX, r.x);
    num(kY, r.y);
    num(kSma0, r.sma0);
    num(kEps, r.eps);
    num(kPa, r.pa);
    num(kMaxsma, r.maxsma);
    double plane = NAN;
    num(kPlane, plane);
    if (!std::isnan(plane)) {
      if (plane != std::floor(plane) || std::fabs(plane) > 1e6)
        throw CatalogError(at + "column 'plane': '" + f[where[kPlane]] + "' is not an integer");
      r.plane = static_cast<int>(plane);
      if (r.plane < 0) r.problem = "plane must be >= 0";
    }
    if (where[kMask] >= 0 && !f[where[kMask]].empty()) r.mask = resolve(folder, f[where[kMask]]);
    if (where[kVariance] >= 0 && !f[where[kVariance]].empty())
      r.variance = resolve(folder, f[where[kVariance]]);
    if (where[kTemplate] >= 0 && !f[where[kTemplate]].empty())
      r.templ = resolve(folder, f[where[kTemplate]]);
    const auto [it, fresh] = seen.emplace(r.id, static_cast<long>(cat.rows.size()));
    if (!fresh)
      r.problem = "duplicate id (first at catalog row " + std::to_string(it->second) + ")";
    cat.id_width = std::max<int>(cat.id_width, static_cast<int>(r.id.size()));
    cat.image_width = std::max<int>(cat.image_width, static_cast<int>(r.image.size()));
    cat.rows.push_back(std::move(r));
  }
  if (!have_header) throw CatalogError(path + ": empty catalog (no header row)");
  std::unordered_map<std::string, int> uses;
  auto key = [](const CatalogRow& r) { return r.image + "\n" + std::to_string(r.plane); };
  for (const auto& r : cat.rows) ++uses[key(r)];
  for (auto& r : cat.rows) r.shared = uses[key(r)] > 1;
  if (cat.rows.empty()) throw CatalogError(path + ": the catalog has no rows");
  return cat;
}

}  // namespace isoster::pipeline
