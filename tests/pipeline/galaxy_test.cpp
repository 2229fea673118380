// Per-galaxy statuses: every bad input is a recorded status with a message, never an exception;
// a good galaxy gives the rows of fit_image on the same pixels.
#include "pipeline/galaxy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "io/fits_image.hpp"
#include "isoster/fit.hpp"
#include "isoster/sersic.hpp"
#include "pipeline/mock.hpp"

using namespace isoster;
using namespace isoster::pipeline;

namespace {

std::string dir() { return testing::TempDir(); }

std::string galaxy_file() {
  static const std::string p = [] {
    SersicSpec s;
    s.nx = s.ny = 96;
    s.x0 = s.y0 = 48;
    s.re = 8;
    s.noise = 0.5;
    const std::string path = dir() + "gal_ok.fits";
    io::write_image(path, make_sersic(s));
    return path;
  }();
  return p;
}

CatalogRow row(const std::string& image) {
  CatalogRow r;
  r.id = "g";
  r.image = image;
  return r;
}

}  // namespace

TEST(Galaxy, GoodRowEqualsFitImage) {
  CatalogRow r = row(galaxy_file());
  r.x = 48;
  r.y = 48;
  FitConfig cfg;
  const GalaxyResult g = fit_galaxy(r, 4, cfg);
  ASSERT_EQ(g.status, kOk) << g.message;
  EXPECT_EQ(g.index, 4);
  const Image img = io::read_image(galaxy_file(), io::PlaneRequest{});
  const FitResult ref = fit_image(img.view(), row_config(cfg, r));
  ASSERT_EQ(g.rows.size(), ref.rows.size());
  for (std::size_t k = 0; k < ref.rows.size(); ++k) {
    // Bitwise: the same read and fit path (NaN on the central row compares equal here).
    EXPECT_EQ(std::memcmp(&g.rows[k], &ref.rows[k], sizeof(Isophote)), 0) << k;
  }
}

TEST(Galaxy, BadInputsAreStatuses) {
  FitConfig cfg;
  EXPECT_EQ(fit_galaxy(row(dir() + "missing.fits"), 0, cfg).status, kInputError);
  const std::string junk = dir() + "junk.fits";
  std::ofstream(junk) << "not a FITS file at all";
  EXPECT_EQ(fit_galaxy(row(junk), 0, cfg).status, kInputError);
  Image nan(32, 32, std::numeric_limits<float>::quiet_NaN());
  const std::string nanfile = dir() + "nan.fits";
  io::write_image(nanfile, nan);
  EXPECT_EQ(fit_galaxy(row(nanfile), 0, cfg).status, kNoData);
  CatalogRow off = row(galaxy_file());
  off.x = 500;
  off.y = 48;
  EXPECT_EQ(fit_galaxy(off, 0, cfg).status, kOffImage);
  CatalogRow bad = row(galaxy_file());
  bad.eps = 1.5;
  const GalaxyResult b = fit_galaxy(bad, 0, cfg);
  EXPECT_EQ(b.status, kBadValue);
  EXPECT_FALSE(b.message.empty());
  CatalogRow dup = row(galaxy_file());
  dup.problem = "duplicate id (first at catalog row 0)";
  EXPECT_EQ(fit_galaxy(dup, 0, cfg).status, kDuplicateId);
  CatalogRow plane = row(galaxy_file());
  plane.plane = 3;
  EXPECT_EQ(fit_galaxy(plane, 0, cfg).status, kInputError);
}

TEST(Mock, SameSeedSameFilesAnyThreadCount) {
  MockRequest a;
  a.count = 6;
  a.size = 48;
  a.seed = 9;
  a.threads = 1;
  a.out_dir = dir() + "mock_a";
  MockRequest b = a;
  b.threads = 2;
  b.out_dir = dir() + "mock_b";
  write_mock(a);
  write_mock(b);
  for (const char* f : {"/catalog.csv", "/truth.csv", "/cutouts/gal-000005.fits"}) {
    std::ifstream fa(a.out_dir + f, std::ios::binary), fb(b.out_dir + f, std::ios::binary);
    const std::string sa((std::istreambuf_iterator<char>(fa)), {});
    const std::string sb((std::istreambuf_iterator<char>(fb)), {});
    EXPECT_FALSE(sa.empty()) << f;
    EXPECT_EQ(sa, sb) << f;
  }
}
